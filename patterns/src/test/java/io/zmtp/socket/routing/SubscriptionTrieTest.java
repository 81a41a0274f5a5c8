package io.zmtp.socket.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscriptionTrieTest {

    /** A subscriber with a readable name; compared by identity, like a pipe. */
    private static final class Peer {
        final String name;

        Peer(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final SubscriptionTrie<Peer> trie = new SubscriptionTrie<>();
    private final Peer alice = new Peer("alice");
    private final Peer bob = new Peer("bob");
    private final Peer carol = new Peer("carol");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** Every visit in order, duplicates kept, so a double visit shows. */
    private List<Peer> visits(byte[] data) {
        List<Peer> seen = new ArrayList<>();
        trie.match(Unpooled.wrappedBuffer(data), seen::add);
        return seen;
    }

    private List<Peer> visits(String data) {
        return visits(bytes(data));
    }

    @Test
    void emptyTrieMatchesNothing() {
        assertThat(trie.isEmpty()).isTrue();
        assertThat(trie.size()).isZero();
        assertThat(visits("abc")).isEmpty();
        assertThat(visits(new byte[0])).isEmpty();
        assertThat(trie.matchesAny(Unpooled.wrappedBuffer(bytes("abc")))).isFalse();
    }

    @Test
    void emptyPrefixMatchesEveryMessageIncludingAnEmptyOne() {
        assertThat(trie.add(new byte[0], alice)).isTrue();

        assertThat(visits(new byte[0])).containsExactly(alice);
        assertThat(visits("anything")).containsExactly(alice);
        assertThat(visits(bytes(0x00, 0xFF))).containsExactly(alice);
        assertThat(trie.matchesAny(Unpooled.EMPTY_BUFFER)).isTrue();
    }

    @Test
    void overlappingPrefixesVisitASubscriberOnce() {
        trie.add(new byte[0], alice);
        trie.add(bytes("a"), alice);
        trie.add(bytes("ab"), alice);
        trie.add(bytes("abc"), alice);
        trie.add(bytes("ab"), bob);

        assertThat(visits("abc")).containsExactlyInAnyOrder(alice, bob);
        assertThat(visits("abcdef")).containsExactlyInAnyOrder(alice, bob);
        assertThat(visits("a")).containsExactly(alice);
        // and again: the once-per-call rule must hold on every call, not only the first
        assertThat(visits("abc")).containsExactlyInAnyOrder(alice, bob);
    }

    @Test
    void twoSubscribersOnOnePrefixAreBothVisited() {
        assertThat(trie.add(bytes("news"), alice)).isTrue();
        assertThat(trie.add(bytes("news"), bob)).isFalse();

        assertThat(visits("news.weather")).containsExactlyInAnyOrder(alice, bob);
        assertThat(visits("new")).isEmpty();
        assertThat(trie.size()).isEqualTo(1);
    }

    @Test
    void addingTheSameSubscriptionTwiceKeepsOneEntrySoOneRemoveDropsIt() {
        assertThat(trie.add(bytes("ab"), alice)).isTrue();
        assertThat(trie.add(bytes("ab"), alice)).isFalse();
        assertThat(trie.size()).isEqualTo(1);
        assertThat(visits("abc")).containsExactly(alice);

        assertThat(trie.remove(bytes("ab"), alice)).isTrue();

        assertThat(visits("abc")).isEmpty();
        assertThat(trie.isEmpty()).isTrue();
        assertThat(trie.remove(bytes("ab"), alice)).isFalse();
    }

    @Test
    void removeReportsOnlyTheLastHolderLeaving() {
        trie.add(bytes("t"), alice);
        trie.add(bytes("t"), bob);

        assertThat(trie.remove(bytes("t"), alice)).isFalse();
        assertThat(visits("t")).containsExactly(bob);
        assertThat(trie.remove(bytes("t"), bob)).isTrue();
        assertThat(trie.isEmpty()).isTrue();
        assertThat(trie.add(bytes("t"), carol)).as("first again after the topic emptied").isTrue();
    }

    @Test
    void removingAnAbsentSubscriptionReturnsFalseAndChangesNothing() {
        trie.add(bytes("abc"), alice);

        assertThat(trie.remove(bytes("abc"), bob)).as("other subscriber").isFalse();
        assertThat(trie.remove(bytes("ab"), alice)).as("a prefix of a held prefix").isFalse();
        assertThat(trie.remove(bytes("abcd"), alice)).as("an extension of a held prefix").isFalse();
        assertThat(trie.remove(bytes("x"), alice)).isFalse();
        assertThat(trie.remove(new byte[0], alice)).isFalse();

        assertThat(trie.size()).isEqualTo(1);
        assertThat(visits("abc")).containsExactly(alice);
    }

    @Test
    void removeAllReportsExactlyThePrefixesNobodyElseHolds() {
        trie.add(bytes("shared"), alice);
        trie.add(bytes("shared"), bob);
        trie.add(bytes("mine"), alice);
        trie.add(bytes("mi"), alice);
        trie.add(new byte[0], alice);
        trie.add(bytes("bobs"), bob);

        List<String> orphaned = new ArrayList<>();
        trie.removeAll(alice, p -> orphaned.add(new String(p, StandardCharsets.UTF_8)));

        assertThat(orphaned).containsExactlyInAnyOrder("mine", "mi", "");
        assertThat(trie.size()).isEqualTo(2);
        assertThat(visits("shared")).containsExactly(bob);
        assertThat(visits("mine")).isEmpty();
        assertThat(visits("bobsled")).containsExactly(bob);

        List<byte[]> again = new ArrayList<>();
        trie.removeAll(alice, again::add);
        assertThat(again).as("a second removeAll has nothing left to report").isEmpty();
    }

    @Test
    void removeAllLeavesTheTrieConsistentBeforeReporting() {
        trie.add(bytes("a"), alice);
        trie.add(bytes("ab"), alice);

        List<Integer> sizesSeen = new ArrayList<>();
        trie.removeAll(alice, p -> {
            sizesSeen.add(trie.size());
            trie.add(p, bob); // a callback may change the trie
        });

        assertThat(sizesSeen).hasSize(2).allMatch(s -> s <= 2);
        assertThat(visits("abc")).containsExactly(bob);
        assertThat(trie.size()).isEqualTo(2);
    }

    @Test
    void binaryPrefixesMatchOnRawBytes() {
        trie.add(bytes(0x00), alice);
        trie.add(bytes(0xFF, 0x00), bob);
        trie.add(bytes(0x80, 0x7F, 0xFF), carol);

        assertThat(visits(bytes(0x00, 0x01))).containsExactly(alice);
        assertThat(visits(bytes(0xFF, 0x00, 0xFF))).containsExactly(bob);
        assertThat(visits(bytes(0xFF, 0x01))).isEmpty();
        assertThat(visits(bytes(0x80, 0x7F, 0xFF, 0x00))).containsExactly(carol);
        assertThat(visits(bytes(0x80, 0x7F, 0xFE))).isEmpty();
        assertThat(visits(bytes(0x01))).isEmpty();
    }

    @Test
    void everyByteValueWorksAsAChildKey() {
        Peer[] peers = new Peer[256];
        for (int b = 255; b >= 0; b--) {
            peers[b] = new Peer("p" + b);
            trie.add(bytes(b, 0x42), peers[b]);
        }
        for (int b = 0; b < 256; b++) {
            assertThat(visits(bytes(b, 0x42))).containsExactly(peers[b]);
            assertThat(visits(bytes(b, 0x43))).isEmpty();
        }
        for (int b = 0; b < 256; b += 2) {
            assertThat(trie.remove(bytes(b, 0x42), peers[b])).isTrue();
        }
        for (int b = 0; b < 256; b++) {
            assertThat(visits(bytes(b, 0x42))).hasSize(b % 2);
        }
        assertThat(trie.size()).isEqualTo(128);
    }

    @Test
    void aPrefixLongerThanTheDataDoesNotMatch() {
        trie.add(bytes("abcdef"), alice);

        assertThat(visits("abc")).isEmpty();
        assertThat(visits("abcde")).isEmpty();
        assertThat(visits(new byte[0])).isEmpty();
        assertThat(visits("abcdef")).containsExactly(alice);
    }

    @Test
    void matchReadsOnlyTheReadableBytesAndDoesNotConsumeThem() {
        trie.add(bytes("ab"), alice);
        ByteBuf data = Unpooled.wrappedBuffer(bytes("xxabyy"));
        data.readerIndex(2).writerIndex(4);

        List<Peer> seen = new ArrayList<>();
        trie.match(data, seen::add);
        assertThat(seen).containsExactly(alice);
        assertThat(trie.matchesAny(data)).isTrue();
        assertThat(data.readerIndex()).isEqualTo(2);
        assertThat(data.writerIndex()).isEqualTo(4);

        data.writerIndex(3); // only "a" readable now
        assertThat(trie.matchesAny(data)).isFalse();
    }

    @Test
    void splittingAndJoiningEdgesKeepsEveryOtherPrefix() {
        trie.add(bytes("abcdef"), alice);
        trie.add(bytes("abc"), bob);     // splits abcdef
        trie.add(bytes("abx"), carol);   // splits again at ab
        assertThat(visits("abcdefg")).containsExactlyInAnyOrder(alice, bob);
        assertThat(visits("abxy")).containsExactly(carol);
        assertThat(visits("ab")).isEmpty();

        assertThat(trie.remove(bytes("abc"), bob)).isTrue(); // joins abc + def
        assertThat(visits("abcdefg")).containsExactly(alice);
        assertThat(visits("abc")).isEmpty();
        assertThat(trie.remove(bytes("abx"), carol)).isTrue();
        assertThat(visits("abcdef")).containsExactly(alice);
        assertThat(visits("abx")).isEmpty();

        assertThat(trie.add(bytes("abcd"), bob)).isTrue();
        assertThat(visits("abcdex")).containsExactly(bob);
        assertThat(trie.remove(bytes("abcdef"), alice)).isTrue();
        assertThat(trie.remove(bytes("abcd"), bob)).isTrue();
        assertThat(trie.isEmpty()).isTrue();
        assertThat(visits("abcdef")).isEmpty();
    }

    @Test
    void theCallerMayReuseThePrefixArray() {
        byte[] prefix = bytes("abc");
        trie.add(prefix, alice);
        prefix[0] = 'x';

        assertThat(visits("abc")).containsExactly(alice);
        assertThat(visits("xbc")).isEmpty();
    }

    @Test
    void prefixesOf64KiBNeedNoDeepStack() {
        Random random = new Random(7);
        byte[] big = new byte[64 * 1024];
        random.nextBytes(big);
        byte[] half = Arrays.copyOf(big, big.length / 2);
        byte[] otherBig = big.clone();
        otherBig[big.length - 1] ^= 1;

        assertThat(trie.add(big, alice)).isTrue();
        assertThat(trie.add(half, bob)).isTrue();
        assertThat(trie.add(otherBig, carol)).isTrue();

        assertThat(visits(big)).containsExactlyInAnyOrder(alice, bob);
        assertThat(visits(otherBig)).containsExactlyInAnyOrder(bob, carol);
        assertThat(visits(Arrays.copyOf(big, big.length - 1))).containsExactly(bob);

        List<byte[]> orphaned = new ArrayList<>();
        trie.removeAll(alice, orphaned::add);
        assertThat(orphaned).singleElement().isEqualTo(big);
        assertThat(trie.remove(half, bob)).isTrue();
        assertThat(visits(otherBig)).containsExactly(carol);
    }

    @Test
    void tenThousandSubscribersOnOnePrefixAreEachVisitedOnceAndLeaveOneByOne() {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Peer p = new Peer("p" + i);
            peers.add(p);
            assertThat(trie.add(new byte[0], p)).isEqualTo(i == 0);
            trie.add(bytes("t"), p);
        }
        assertThat(visits("topic")).hasSize(10_000).doesNotHaveDuplicates();

        for (int i = 0; i < peers.size(); i += 2) {
            assertThat(trie.remove(new byte[0], peers.get(i))).isFalse();
        }
        for (int i = 1; i < peers.size(); i += 2) {
            trie.removeAll(peers.get(i), p -> { });
        }
        assertThat(visits("x")).isEmpty();
        assertThat(visits("t")).hasSize(5_000).doesNotHaveDuplicates();
        assertThat(trie.size()).isEqualTo(1);
    }

    @Test
    void changingTheTrieFromAMatchVisitorIsRejected() {
        trie.add(bytes("a"), alice);

        assertThatThrownBy(() -> trie.match(Unpooled.wrappedBuffer(bytes("a")), p -> trie.add(bytes("b"), bob)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> trie.match(Unpooled.wrappedBuffer(bytes("a")),
                p -> trie.match(Unpooled.wrappedBuffer(bytes("a")), q -> { })))
                .isInstanceOf(IllegalStateException.class);

        // the trie is usable again afterwards
        assertThat(visits("a")).containsExactly(alice);
        assertThat(trie.add(bytes("b"), bob)).isTrue();
    }

    @Property(tries = 3, seed = "424242")
    void tenThousandRandomSubscriptionsMatchLikeANaiveModel(@ForAll long seed) {
        Random random = new Random(seed);
        SubscriptionTrie<Peer> trie = new SubscriptionTrie<>();
        Model model = new Model();
        Peer[] peers = new Peer[200];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = new Peer("p" + i);
        }
        Set<String> distinct = new HashSet<>();
        while (distinct.size() < 10_000) {
            byte[] prefix = randomBytes(random, 1 + random.nextInt(12), 4);
            Peer p = peers[random.nextInt(peers.length)];
            if (distinct.add(Arrays.toString(prefix) + p)) {
                assertThat(trie.add(prefix, p)).isEqualTo(model.add(prefix, p));
            }
        }
        // a few long ones
        for (int i = 0; i < 50; i++) {
            byte[] prefix = randomBytes(random, 1024, 2);
            Peer p = peers[random.nextInt(peers.length)];
            assertThat(trie.add(prefix, p)).isEqualTo(model.add(prefix, p));
        }
        assertThat(trie.size()).isEqualTo(model.size());

        for (int i = 0; i < 1_000; i++) {
            byte[] data = randomBytes(random, random.nextInt(random.nextInt(10) == 0 ? 1100 : 14), 4);
            assertThat(matched(trie, data)).isEqualTo(model.match(data));
        }

        for (int i = 0; i < 3_000; i++) {
            Model.Entry e = model.entries.get(random.nextInt(model.entries.size()));
            assertThat(trie.remove(e.prefix, e.peer)).isEqualTo(model.remove(e.prefix, e.peer));
        }
        for (int i = 0; i < 50; i++) {
            Peer p = peers[random.nextInt(peers.length)];
            assertThat(removeAll(trie, p)).isEqualTo(model.removeAll(p));
        }
        assertThat(trie.size()).isEqualTo(model.size());
        for (int i = 0; i < 1_000; i++) {
            byte[] data = randomBytes(random, random.nextInt(14), 4);
            assertThat(matched(trie, data)).isEqualTo(model.match(data));
        }
    }

    /** Bytes drawn from a small alphabet (so prefixes overlap) that includes 0x00 and 0xFF. */
    private static byte[] randomBytes(Random random, int length, int alphabet) {
        byte[] symbols = {0x00, (byte) 0xFF, 'a', 'b', 'c', (byte) 0x80};
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = symbols[random.nextInt(Math.min(alphabet, symbols.length))];
        }
        return b;
    }

    /** The visited subscribers, failing on a double visit. */
    private static Set<Peer> matched(SubscriptionTrie<Peer> trie, byte[] data) {
        Set<Peer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        trie.match(Unpooled.wrappedBuffer(data), p -> {
            if (!seen.add(p)) {
                throw new AssertionError("visited twice: " + p);
            }
        });
        assertThat(trie.matchesAny(Unpooled.wrappedBuffer(data))).isEqualTo(!seen.isEmpty());
        return seen;
    }

    private static Set<List<Byte>> removeAll(SubscriptionTrie<Peer> trie, Peer p) {
        Set<List<Byte>> orphaned = new HashSet<>();
        trie.removeAll(p, prefix -> assertThat(orphaned.add(Model.key(prefix))).as("reported twice").isTrue());
        return orphaned;
    }

    /**
     * The obvious implementation: a list of (prefix, subscriber) pairs, scanned on every match,
     * plus a count of holders per prefix for the first/last answers.
     */
    private static final class Model {
        record Entry(byte[] prefix, Peer peer) {
        }

        final List<Entry> entries = new ArrayList<>();
        private final Map<List<Byte>, Integer> holders = new HashMap<>();

        static List<Byte> key(byte[] b) {
            List<Byte> k = new ArrayList<>(b.length);
            for (byte x : b) {
                k.add(x);
            }
            return k;
        }

        private int indexOf(byte[] prefix, Peer peer) {
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.peer == peer && Arrays.equals(e.prefix, prefix)) {
                    return i;
                }
            }
            return -1;
        }

        boolean add(byte[] prefix, Peer peer) {
            List<Byte> key = key(prefix);
            boolean first = !holders.containsKey(key);
            if (indexOf(prefix, peer) < 0) {
                entries.add(new Entry(prefix.clone(), peer));
                holders.merge(key, 1, Integer::sum);
            }
            return first;
        }

        /** Drops one holder of {@code prefix}; true when it was the last. */
        private boolean release(byte[] prefix) {
            return holders.compute(key(prefix), (k, n) -> n == 1 ? null : n - 1) == null;
        }

        boolean remove(byte[] prefix, Peer peer) {
            int i = indexOf(prefix, peer);
            if (i < 0) {
                return false;
            }
            entries.remove(i);
            return release(prefix);
        }

        Set<List<Byte>> removeAll(Peer peer) {
            List<byte[]> dropped = new ArrayList<>();
            entries.removeIf(e -> e.peer == peer && dropped.add(e.prefix));
            Set<List<Byte>> orphaned = new HashSet<>();
            for (byte[] p : dropped) {
                if (release(p)) {
                    orphaned.add(key(p));
                }
            }
            return orphaned;
        }

        Set<Peer> match(byte[] data) {
            Set<Peer> out = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Entry e : entries) {
                if (e.prefix.length <= data.length
                        && Arrays.equals(e.prefix, 0, e.prefix.length, data, 0, e.prefix.length)) {
                    out.add(e.peer);
                }
            }
            return out;
        }

        int size() {
            return holders.size();
        }
    }

    // ---- property: random operation sequences against the model ----

    /** One step: 0 add, 1 remove, 2 removeAll, 3 match; on a peer index and some bytes. */
    record Op(int kind, int peer, byte[] bytes) {
        @Override
        public String toString() {
            String[] names = {"add", "remove", "removeAll", "match"};
            return names[kind] + "(" + Arrays.toString(bytes) + ", p" + peer + ")";
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<byte[]> shortBytes = Arbitraries.of((byte) 0x00, (byte) 0xFF, (byte) 'a', (byte) 'b')
                .array(byte[].class).ofMaxSize(5);
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 9).map(k -> k < 4 ? 0 : k < 6 ? 1 : k < 7 ? 2 : 3),
                Arbitraries.integers().between(0, 4),
                shortBytes).as(Op::new);
        return op.list().ofMaxSize(120);
    }

    @Property(tries = 300, seed = "20261124")
    void randomOperationSequencesBehaveLikeTheNaiveModel(@ForAll("operations") List<Op> ops) {
        SubscriptionTrie<Peer> subject = new SubscriptionTrie<>();
        Model model = new Model();
        Peer[] peers = {new Peer("p0"), new Peer("p1"), new Peer("p2"), new Peer("p3"), new Peer("p4")};
        for (Op op : ops) {
            Peer p = peers[op.peer()];
            switch (op.kind()) {
                case 0 -> assertThat(subject.add(op.bytes(), p)).as("%s", op).isEqualTo(model.add(op.bytes(), p));
                case 1 -> assertThat(subject.remove(op.bytes(), p)).as("%s", op).isEqualTo(model.remove(op.bytes(), p));
                case 2 -> {
                    Set<List<Byte>> orphaned = new HashSet<>();
                    subject.removeAll(p, prefix -> assertThat(orphaned.add(Model.key(prefix))).isTrue());
                    assertThat(orphaned).as("%s", op).isEqualTo(model.removeAll(p));
                }
                default -> {
                    Set<Peer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                    subject.match(Unpooled.wrappedBuffer(op.bytes()), q -> {
                        if (!seen.add(q)) {
                            throw new AssertionError("visited twice: " + q);
                        }
                    });
                    assertThat(seen).as("%s", op).isEqualTo(model.match(op.bytes()));
                }
            }
            assertThat(subject.size()).as("size after %s", op).isEqualTo(model.size());
            assertThat(subject.isEmpty()).isEqualTo(model.entries.isEmpty());
        }
        // and every stored prefix still matches exactly as the model says
        for (Model.Entry e : model.entries) {
            Set<Peer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            subject.match(Unpooled.wrappedBuffer(e.prefix()), seen::add);
            assertThat(seen).isEqualTo(model.match(e.prefix()));
        }
    }
}
