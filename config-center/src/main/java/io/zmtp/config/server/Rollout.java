package io.zmtp.config.server;

import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A published revision (or a gray revision, counting only the nodes it went to) on its way to the nodes: per whitelisted node of its namespace, applied
 * (reported this revision or a later one), failed (reported it, but could not write its files), pending (online, not yet) or offline (not heard from
 * within three heartbeat intervals). {@link #await} waits for all or N nodes, with a timeout.
 */
public final class Rollout {
    /** FAILED: the node reported the revision (or a later one) but could not write its files. */
    public enum State { APPLIED, FAILED, PENDING, OFFLINE }

    private final Revision revision;
    private final Whitelist whitelist;
    private final NodeTracker tracker;
    private final Duration offlineAfter;
    /** The nodes a gray revision went to, or null: every node that may read the namespace. */
    private final Set<String> only;

    Rollout(Revision revision, Whitelist whitelist, NodeTracker tracker, Duration offlineAfter) {
        this(revision, whitelist, tracker, offlineAfter, null);
    }

    /** The rollout of a gray revision: only {@code only} count. */
    Rollout(Revision revision, Whitelist whitelist, NodeTracker tracker, Duration offlineAfter, Set<String> only) {
        this.revision = revision;
        this.whitelist = whitelist;
        this.tracker = tracker;
        this.offlineAfter = offlineAfter;
        this.only = only;
    }

    public Revision revision() {
        return revision;
    }

    /** Each node that may read the namespace, with its state now. */
    public Map<String, State> states() {
        Map<String, State> out = new LinkedHashMap<>();
        for (Whitelist.Node n : whitelist.nodes()) {
            if (!n.mayRead(revision.namespace()) || (only != null && !only.contains(n.id()))) {
                continue;
            }
            NodeReport r = tracker.report(n.id(), revision.namespace());
            if (r != null && r.revision() >= revision.number()) {
                out.put(n.id(), tracker.error(n.id(), revision.namespace()) == null ? State.APPLIED : State.FAILED);
            } else {
                out.put(n.id(), tracker.online(n.id(), offlineAfter) ? State.PENDING : State.OFFLINE);
            }
        }
        return out;
    }

    public long applied() {
        return states().values().stream().filter(s -> s == State.APPLIED).count();
    }

    /**
     * Waits until {@code nodes} nodes applied the revision ({@code -1}: all of them), or the timeout.
     * Returns true when the goal was reached. It polls the reports every 20 ms: the reports come
     * from the network, and a rollout wait is a human-scale operation.
     */
    public boolean await(int nodes, Duration timeout) {
        return awaitUntil(s -> {
            long done = s.values().stream().filter(x -> x == State.APPLIED).count();
            return nodes < 0 ? done == s.size() : done >= nodes;
        }, timeout);
    }

    /** Waits until no node is pending: each applied the revision or is offline. */
    public boolean awaitSettled(Duration timeout) {
        return awaitUntil(s -> !s.containsValue(State.PENDING), timeout);
    }

    private boolean awaitUntil(java.util.function.Predicate<Map<String, State>> goal, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (goal.test(states())) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LockSupport.parkNanos(20_000_000L);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
