package io.zmtp.config.server;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import io.zmtp.config.store.ConfigStore;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the server tells about a namespace with gray releases, the rules that keep gray content
 * away from nodes that were not selected (config-center/PROTOCOL.md, "Gray release"): a selected
 * node's view of the namespace ends at the open gray revision, everyone else's at the main line;
 * an aborted gray revision is never sent, as an UPDATE or a REVISION, so a node that does not hold
 * it gets past it by a snapshot.
 */
final class GrayView {
    private final ConfigStore store;

    GrayView(ConfigStore store) {
        this.store = store;
    }

    /** The open gray release of {@code ns} when it selected {@code node}. */
    Optional<GrayRelease> selecting(String ns, String node) {
        return store.grayRelease(ns).filter(g -> g.selects(node));
    }

    /** True when a revision in ({@code after}, {@code upTo}] is an aborted gray revision. */
    boolean abortedWithin(String ns, long after, long upTo) {
        return !abortedIn(ns, after, upTo).isEmpty();
    }

    /** The aborted gray revisions in ({@code after}, {@code upTo}]. */
    java.util.Set<Long> abortedIn(String ns, long after, long upTo) {
        if (upTo <= after) {
            return java.util.Set.of();
        }
        java.util.Set<Long> out = new java.util.HashSet<>();
        int limit = (int) Math.min(upTo - after, 10_000);
        for (GrayRelease g : store.grayReleases(ns, after, limit)) {
            if (g.number() <= upTo && g.state() == GrayRelease.State.ABORTED) {
                out.add(g.number());
            }
        }
        return out;
    }

    /** The content a selected node holds at the gray revision: the main line's plus its changes. */
    static Snapshot content(Snapshot main, GrayRelease g) {
        TreeMap<String, byte[]> entries = new TreeMap<>(Digest.KEY_ORDER);
        entries.putAll(main.entries());
        for (Change c : g.revision().changes()) {
            if (c.isDelete()) {
                entries.remove(c.key());
            } else {
                entries.put(c.key(), c.value());
            }
        }
        Snapshot s = Snapshot.of(main.namespace(), g.number(), entries);
        if (!s.digest().equals(g.revision().digest())) {
            throw new IllegalStateException("gray release r" + g.number() + " of " + main.namespace()
                    + " does not follow the main line's r" + main.revision());
        }
        return s;
    }

    /**
     * Whether heartbeats should announce the gray revision (so that its nodes sync and get it): some
     * selected node that follows the namespace and is online has not reported it yet. Otherwise
     * heartbeats announce the main line, which a node holding the gray revision ignores as lower.
     */
    static boolean lagging(GrayRelease g, NodeTracker tracker, java.time.Duration offlineAfter) {
        for (String node : g.nodes()) {
            var r = tracker.report(node, g.namespace());
            if (r != null && r.revision() != g.number() && tracker.online(node, offlineAfter)) {
                return true;
            }
        }
        return false;
    }

    /** The revisions a selected node at {@code from} gets from the history: at most {@code page}, then G. */
    List<Revision> revisionsTo(GrayRelease g, long from, int page) {
        long main = g.number() - 1;
        List<Revision> out = new java.util.ArrayList<>(from < main ? store.history(g.namespace(), from, page) : List.of());
        long last = out.isEmpty() ? from : out.get(out.size() - 1).number();
        if (last == main) {
            out.add(g.revision());
        }
        return out;
    }
}
