package io.zmtp.config.server;

import io.zmtp.config.model.NodeReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the server knows of each node: when it last heard from it, and per namespace the revision
 * and digest it reported applying; plus the refused connection attempts ({@link RefusalLog}). Thread-safe.
 */
public final class NodeTracker {
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, NodeReport> reports = new ConcurrentHashMap<>();
    private final Map<String, NodeReport> unsaved = new ConcurrentHashMap<>();
    /** Per (node, namespace): why the node could not write its reported revision's files; memory only. */
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final RefusalLog refusals = new RefusalLog();

    /** Restores reports saved by an earlier run (last-seen times start unknown). */
    void restore(Collection<NodeReport> saved) {
        for (NodeReport r : saved) {
            reports.put(key(r.nodeId(), r.namespace()), r);
        }
    }

    void seen(String node) {
        lastSeen.put(node, Instant.now());
    }

    /** A report whose revision the node applied but could not write ({@code error} not null), or wrote. */
    void report(NodeReport r, String error) {
        if (error == null) {
            errors.remove(key(r.nodeId(), r.namespace()));
        } else {
            errors.put(key(r.nodeId(), r.namespace()), error);
        }
        report(r);
    }

    void report(NodeReport r) {
        reports.put(key(r.nodeId(), r.namespace()), r);
        unsaved.put(key(r.nodeId(), r.namespace()), r);
        lastSeen.put(r.nodeId(), r.seenAt());
    }

    /** Reports not yet written to the store; the caller saves them. */
    List<NodeReport> takeUnsaved() {
        List<NodeReport> out = new ArrayList<>();
        for (String k : List.copyOf(unsaved.keySet())) {
            NodeReport r = unsaved.remove(k);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Reports a failed save took back: kept for the next one unless a newer report of the same node and namespace waits. */
    void unsavedAgain(Collection<NodeReport> batch) {
        for (NodeReport r : batch) {
            unsaved.putIfAbsent(key(r.nodeId(), r.namespace()), r);
        }
    }

    void refused(Whitelist.Refusal r) {
        refusals.add(r);
    }

    /** Refused connection attempts on every port, counted per (address, user), most recent first. */
    public List<RefusalLog.Entry> refusals() {
        return refusals.entries();
    }

    /** The bounded log behind {@link #refusals()}, with its totals. */
    public RefusalLog refusalLog() {
        return refusals;
    }

    public NodeReport report(String node, String namespace) {
        return reports.get(key(node, namespace));
    }

    /** Why the node's last report of {@code namespace} says its files could not be written, or null. */
    public String error(String node, String namespace) {
        return errors.get(key(node, namespace));
    }

    public Instant lastSeen(String node) {
        return lastSeen.get(node);
    }

    /** True when the node was heard from within {@code window}. */
    public boolean online(String node, Duration window) {
        Instant t = lastSeen.get(node);
        return t != null && t.isAfter(Instant.now().minus(window));
    }

    private static String key(String node, String namespace) {
        return node + '\u0000' + namespace;
    }
}
