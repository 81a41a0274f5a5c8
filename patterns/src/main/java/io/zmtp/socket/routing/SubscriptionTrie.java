package io.zmtp.socket.routing;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The publisher-side filter of PUB and XPUB: byte-string prefixes, each mapped to the set of
 * subscribers (compared by identity) that hold it, with libzmq's "mtrie" semantics.
 *
 * <p>It exists because a publisher must, for every message, find each peer holding any prefix of
 * the first frame, and must tell XPUB when a topic gains its first holder or loses its last one.
 * A subscriber holds a prefix at most once: subscribing twice on one connection and cancelling once
 * removes the prefix, as libzmq does (SUB sockets count for themselves, see
 * {@link SubscriptionCounter}).
 *
 * <p>Layout: a radix tree (edges carry byte runs, so memory follows the stored prefixes, not their
 * length times a node size), children sorted by their first byte, all walks iterative (a 64 KiB
 * prefix costs no stack). Each subscriber has one record that lists the nodes it holds (so a
 * disconnect needs no walk of the whole tree) and carries the mark that keeps {@link #match} from
 * visiting it twice: every call takes a new epoch and a subscriber is visited only when its mark
 * is older, so matching allocates nothing and clears nothing.
 *
 * <p>Not thread-safe: a socket touches it from its event loop only. {@link #match} is not
 * re-entrant, and its visitor must not change the trie (doing so throws
 * {@link IllegalStateException}).
 *
 * @param <P> the subscriber, usually a peer pipe; compared by identity
 */
public final class SubscriptionTrie<P> {
    private static final byte[] NO_BYTES = new byte[0];
    private static final Node[] NO_NODES = new Node[0];
    private static final Holder[] NO_HOLDERS = new Holder[0];

    /** One subscriber: the nodes it holds, with its slot in each node's holder array. */
    private static final class Holder {
        final Object subscriber;
        final IdentityHashMap<Node, Integer> slots = new IdentityHashMap<>(2);
        /** The epoch of the last {@link #match} that visited this subscriber. */
        long seen;

        Holder(Object subscriber) {
            this.subscriber = subscriber;
        }
    }

    private static final class Node {
        Node parent;
        /** The bytes from the parent to here; empty only at the root. */
        byte[] edge;
        /** First byte of each child's edge, ascending unsigned; parallel to {@link #kids}. */
        byte[] keys = NO_BYTES;
        Node[] kids = NO_NODES;
        int kidCount;
        Holder[] holders = NO_HOLDERS;
        int holderCount;

        Node(Node parent, byte[] edge) {
            this.parent = parent;
            this.edge = edge;
        }

        /** Index of the child starting with byte {@code b}, or {@code -(insertion point) - 1}. */
        int slotOf(int b) {
            int lo = 0;
            int hi = kidCount - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int k = keys[mid] & 0xFF;
                if (k < b) {
                    lo = mid + 1;
                } else if (k > b) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }

        Node child(int b) {
            int i = slotOf(b);
            return i >= 0 ? kids[i] : null;
        }

        void insertChild(Node child) {
            int b = child.edge[0] & 0xFF;
            int at = -slotOf(b) - 1;
            if (kidCount == kids.length) {
                int capacity = Math.max(2, kidCount * 2);
                kids = Arrays.copyOf(kids, capacity);
                keys = Arrays.copyOf(keys, capacity);
            }
            System.arraycopy(kids, at, kids, at + 1, kidCount - at);
            System.arraycopy(keys, at, keys, at + 1, kidCount - at);
            kids[at] = child;
            keys[at] = (byte) b;
            kidCount++;
        }

        /** Puts {@code child} where the child with the same first byte was. */
        void replaceChild(Node child) {
            kids[slotOf(child.edge[0] & 0xFF)] = child;
        }

        void removeChild(int b) {
            int at = slotOf(b);
            int tail = kidCount - at - 1;
            System.arraycopy(kids, at + 1, kids, at, tail);
            System.arraycopy(keys, at + 1, keys, at, tail);
            kids[--kidCount] = null;
            if (kids.length > 4 && kidCount <= kids.length / 4) {
                kids = Arrays.copyOf(kids, kids.length / 2);
                keys = Arrays.copyOf(keys, keys.length / 2);
            }
        }

        /** Appends {@code h}; returns its slot. */
        int addHolder(Holder h) {
            if (holderCount == holders.length) {
                holders = Arrays.copyOf(holders, Math.max(1, holderCount * 2));
            }
            holders[holderCount] = h;
            return holderCount++;
        }

        /** Removes the holder in {@code slot} by moving the last one into it. */
        void removeHolder(int slot) {
            int last = --holderCount;
            if (slot != last) {
                Holder moved = holders[last];
                holders[slot] = moved;
                moved.slots.put(this, slot);
            }
            holders[last] = null;
            if (holderCount == 0) {
                holders = NO_HOLDERS;
            } else if (holders.length > 4 && holderCount <= holders.length / 4) {
                holders = Arrays.copyOf(holders, holders.length / 2);
            }
        }
    }

    private final Node root = new Node(null, NO_BYTES);
    private final Map<Object, Holder> bySubscriber = new IdentityHashMap<>();
    private long epoch;
    private boolean matching;
    private int prefixes;

    /**
     * Records that {@code subscriber} holds {@code prefix} (copied; the caller keeps the array).
     *
     * @return true when nobody held {@code prefix} before: XPUB's "first subscription" notice
     */
    public boolean add(byte[] prefix, P subscriber) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(subscriber, "subscriber");
        checkNotMatching();
        Holder h = bySubscriber.get(subscriber);
        if (h != null) {
            Node existing = find(prefix);
            if (existing != null && h.slots.containsKey(existing)) {
                return false;
            }
        } else {
            h = new Holder(subscriber);
            bySubscriber.put(subscriber, h);
        }
        Node n = insert(prefix);
        boolean first = n.holderCount == 0;
        h.slots.put(n, n.addHolder(h));
        if (first) {
            prefixes++;
        }
        return first;
    }

    /**
     * Withdraws {@code prefix} from {@code subscriber}; does nothing when it did not hold it.
     *
     * @return true when this left {@code prefix} with no holder: XPUB's "last unsubscription" notice
     */
    public boolean remove(byte[] prefix, P subscriber) {
        Objects.requireNonNull(prefix, "prefix");
        checkNotMatching();
        Holder h = bySubscriber.get(subscriber);
        if (h == null) {
            return false;
        }
        Node n = find(prefix);
        Integer slot = n == null ? null : h.slots.remove(n);
        if (slot == null) {
            return false;
        }
        if (h.slots.isEmpty()) {
            bySubscriber.remove(subscriber);
        }
        n.removeHolder(slot);
        if (n.holderCount > 0) {
            return false;
        }
        prefixes--;
        prune(n);
        return true;
    }

    /**
     * Drops every prefix {@code subscriber} holds (it disconnected) and then reports, once each,
     * the prefixes nobody holds any more, so XPUB can synthesise their unsubscriptions. The trie is
     * already consistent when {@code onLastRemoved} runs; each reported array is fresh.
     */
    public void removeAll(P subscriber, Consumer<byte[]> onLastRemoved) {
        Objects.requireNonNull(onLastRemoved, "onLastRemoved");
        checkNotMatching();
        Holder h = bySubscriber.remove(subscriber);
        if (h == null) {
            return;
        }
        List<byte[]> orphaned = null;
        for (Map.Entry<Node, Integer> e : h.slots.entrySet()) {
            Node n = e.getKey();
            n.removeHolder(e.getValue());
            if (n.holderCount == 0) {
                if (orphaned == null) {
                    orphaned = new ArrayList<>();
                }
                orphaned.add(pathOf(n));
                prefixes--;
                prune(n);
            }
        }
        h.slots.clear();
        if (orphaned != null) {
            for (byte[] prefix : orphaned) {
                onLastRemoved.accept(prefix);
            }
        }
    }

    /**
     * Visits each subscriber holding a prefix of the readable bytes of {@code data}, once per call
     * however many of its prefixes match. {@code data} is read in place, not consumed. The empty
     * prefix matches every message, the empty one included. Allocates nothing.
     */
    @SuppressWarnings("unchecked")
    public void match(ByteBuf data, Consumer<? super P> visitor) {
        Objects.requireNonNull(visitor, "visitor");
        checkNotMatching();
        long mark = ++epoch;
        matching = true;
        try {
            Node n = root;
            int i = data.readerIndex();
            int end = data.writerIndex();
            while (n != null) {
                Holder[] hs = n.holders;
                for (int k = 0, count = n.holderCount; k < count; k++) {
                    Holder h = hs[k];
                    if (h.seen != mark) {
                        h.seen = mark;
                        visitor.accept((P) h.subscriber);
                    }
                }
                n = next(n, data, i, end);
                if (n != null) {
                    i += n.edge.length;
                }
            }
        } finally {
            matching = false;
        }
    }

    /** True when any prefix held by anyone is a prefix of the readable bytes of {@code data}. */
    public boolean matchesAny(ByteBuf data) {
        Node n = root;
        int i = data.readerIndex();
        int end = data.writerIndex();
        while (n != null) {
            if (n.holderCount > 0) {
                return true;
            }
            n = next(n, data, i, end);
            if (n != null) {
                i += n.edge.length;
            }
        }
        return false;
    }

    /** Number of distinct prefixes held by at least one subscriber. */
    public int size() {
        return prefixes;
    }

    /** True when no subscriber holds any prefix. */
    public boolean isEmpty() {
        return prefixes == 0;
    }

    /** The child of {@code n} whose whole edge matches {@code data} from {@code i}, or null. */
    private static Node next(Node n, ByteBuf data, int i, int end) {
        if (i >= end) {
            return null;
        }
        Node c = n.child(data.getUnsignedByte(i));
        if (c == null) {
            return null;
        }
        byte[] edge = c.edge;
        if (end - i < edge.length) {
            return null;
        }
        for (int k = 1; k < edge.length; k++) {
            if (data.getByte(i + k) != edge[k]) {
                return null;
            }
        }
        return c;
    }

    /** The node spelling exactly {@code prefix}, or null. */
    private Node find(byte[] prefix) {
        Node n = root;
        int i = 0;
        while (i < prefix.length) {
            Node c = n.child(prefix[i] & 0xFF);
            if (c == null) {
                return null;
            }
            byte[] edge = c.edge;
            if (prefix.length - i < edge.length
                    || !Arrays.equals(edge, 0, edge.length, prefix, i, i + edge.length)) {
                return null;
            }
            i += edge.length;
            n = c;
        }
        return n;
    }

    /** The node spelling exactly {@code prefix}, created (splitting an edge if needed). */
    private Node insert(byte[] prefix) {
        Node n = root;
        int i = 0;
        while (i < prefix.length) {
            Node c = n.child(prefix[i] & 0xFF);
            if (c == null) {
                Node leaf = new Node(n, Arrays.copyOfRange(prefix, i, prefix.length));
                n.insertChild(leaf);
                return leaf;
            }
            byte[] edge = c.edge;
            int common = 1;
            int limit = Math.min(edge.length, prefix.length - i);
            while (common < limit && edge[common] == prefix[i + common]) {
                common++;
            }
            if (common < edge.length) {
                // The prefix ends inside, or leaves, c's edge: put a node at the split point.
                Node split = new Node(n, Arrays.copyOfRange(edge, 0, common));
                c.edge = Arrays.copyOfRange(edge, common, edge.length);
                c.parent = split;
                n.replaceChild(split);
                split.insertChild(c);
                c = split;
            }
            i += common;
            n = c;
        }
        return n;
    }

    /** After {@code n} lost its last holder: drop empty leaves, merge pass-through nodes. */
    private void prune(Node n) {
        while (n != root && n.holderCount == 0) {
            Node parent = n.parent;
            if (n.kidCount == 0) {
                parent.removeChild(n.edge[0] & 0xFF);
                n.parent = null;
                n = parent;
            } else if (n.kidCount == 1) {
                Node only = n.kids[0];
                byte[] joined = Arrays.copyOf(n.edge, n.edge.length + only.edge.length);
                System.arraycopy(only.edge, 0, joined, n.edge.length, only.edge.length);
                only.edge = joined;
                only.parent = parent;
                parent.replaceChild(only);
                n.parent = null;
                return;
            } else {
                return;
            }
        }
    }

    private static byte[] pathOf(Node n) {
        int length = 0;
        for (Node x = n; x != null; x = x.parent) {
            length += x.edge.length;
        }
        byte[] path = new byte[length];
        for (Node x = n; x != null; x = x.parent) {
            length -= x.edge.length;
            System.arraycopy(x.edge, 0, path, length, x.edge.length);
        }
        return path;
    }

    private void checkNotMatching() {
        if (matching) {
            throw new IllegalStateException("the subscription trie cannot change or match again inside a match visitor");
        }
    }
}
