package io.zmtp.config.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.zmtp.config.model.Revision;
import io.zmtp.socket.Socket;
import io.zmtp.socket.metrics.ZmtpMetrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The config server's meters, on a {@link PrometheusMeterRegistry} it owns or is given;
 * {@link #scrape()} is their Prometheus text. Nothing here is per node, so the number of series
 * stays bounded whatever the fleet's size:
 * <ul>
 *   <li>{@code zmtp.config.revisions.published}: UPDATEs sent on the PUB socket;</li>
 *   <li>{@code zmtp.config.publish.latency}: from an admin's request (or the commit's start) to its
 *       revision's UPDATE sent;</li>
 *   <li>{@code zmtp.config.rollout.duration}: from a revision's UPDATE until every node that was
 *       online and may read its namespace reported it applied (only the latest revision of each
 *       namespace is followed; nodes that go offline stop counting);</li>
 *   <li>{@code zmtp.config.nodes} ({@code state} = online|offline): whitelisted nodes;</li>
 *   <li>{@code zmtp.config.rollout.nodes} ({@code state} = applied|failed|pending|offline): per node
 *       and namespace, against the latest revision this run published, summed over namespaces;</li>
 *   <li>{@code zmtp.config.refusals} ({@code port} = updates|sync|console, {@code limited} = whether the
 *       address was out of attempts): refused connection attempts;</li>
 *   <li>the sockets' meters ({@link ZmtpMetrics}, {@code role} = sync|updates), and, on a registry
 *       of its own, the JVM's memory, GC and threads.</li>
 * </ul>
 * Node gauges are computed when read, at most once a second.
 */
public final class ServerMetrics implements AutoCloseable {
    /** How long one count of the nodes' states serves the gauges. */
    private static final long NODE_COUNT_NANOS = 1_000_000_000L;

    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;
    private final Counter revisionsPublished;
    private final Timer publishLatency;
    private final Timer rolloutDuration;
    private final Map<String, Counter> refusals = new HashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<ZmtpMetrics> sockets = new ArrayList<>();
    /** Per namespace, the latest revision published and the nodes it still waits for; guarded by this. */
    private final Map<String, Watch> rollouts = new HashMap<>();
    private volatile Supplier<Map<String, Long>> nodeStates = Map::of;
    private volatile Map<String, Long> nodeCounts = Map.of();
    private volatile long nodeCountsAt = Long.MIN_VALUE;

    /** A rollout being timed: its revision, when its UPDATE went, the nodes yet to report it. */
    private record Watch(long revision, long sentNanos, Set<String> waiting) {
    }

    /** Meters on a Prometheus registry of their own, with the JVM's basics. */
    public ServerMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
    }

    /** Meters on {@code registry}, which the caller owns (and closes). */
    public ServerMetrics(PrometheusMeterRegistry registry) {
        this(registry, false);
    }

    private ServerMetrics(PrometheusMeterRegistry registry, boolean ownsRegistry) {
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        revisionsPublished = Counter.builder("zmtp.config.revisions.published")
                .description("revisions sent to the nodes as UPDATEs").register(registry);
        publishLatency = Timer.builder("zmtp.config.publish.latency")
                .description("from an admin's request to its revision's UPDATE sent").register(registry);
        rolloutDuration = Timer.builder("zmtp.config.rollout.duration")
                .description("from a revision's UPDATE until every online node of its namespace applied it")
                .register(registry);
        for (String state : List.of("online", "offline")) {
            nodeGauge("zmtp.config.nodes", state, "whitelisted nodes");
        }
        for (String state : List.of("applied", "failed", "pending", "offline")) {
            nodeGauge("zmtp.config.rollout.nodes", "rollout." + state,
                    "nodes per state against the latest revision of each namespace they read");
        }
    }

    private void nodeGauge(String name, String key, String description) {
        String state = key.substring(key.lastIndexOf('.') + 1);
        Gauge.builder(name, this, m -> m.nodeCount(key)).description(description).tag("state", state)
                .strongReference(true).register(registry);
    }

    private double nodeCount(String key) {
        long now = System.nanoTime();
        Map<String, Long> counts = nodeCounts;
        if (nodeCountsAt == Long.MIN_VALUE || now - nodeCountsAt >= NODE_COUNT_NANOS) {
            counts = nodeStates.get();
            nodeCounts = counts;
            nodeCountsAt = now;
        }
        return counts.getOrDefault(key, 0L);
    }

    /** The registry the meters are on (to add more, or to serve it some other way). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every meter in Prometheus' text format (what a {@code /metrics} endpoint serves). */
    public String scrape() {
        return registry.scrape();
    }

    // ------------------------------------------------------------------ what the server reports

    /** Binds the meters of the server's sockets. */
    synchronized void bindSockets(Socket sync, Socket updates) {
        sockets.add(ZmtpMetrics.bind(sync, "config-server-sync", registry, "role", "sync"));
        sockets.add(ZmtpMetrics.bind(updates, "config-server-updates", registry, "role", "updates"));
    }

    /** Removes the sockets' meters (the server closes them). */
    synchronized void unbindSockets() {
        sockets.forEach(ZmtpMetrics::close);
        sockets.clear();
    }

    /**
     * Where the node gauges come from: counts by key ({@code online}, {@code offline},
     * {@code rollout.applied}, ...), computed when read.
     */
    void nodeStates(Supplier<Map<String, Long>> states) {
        this.nodeStates = states;
        this.nodeCountsAt = Long.MIN_VALUE;
    }

    /** An UPDATE went out for {@code r}; {@code waiting}: the online nodes of its namespace that do not hold it yet. */
    synchronized void published(Revision r, Set<String> waiting) {
        revisionsPublished.increment();
        if (waiting.isEmpty()) {
            rollouts.remove(r.namespace());
        } else {
            rollouts.put(r.namespace(), new Watch(r.number(), System.nanoTime(), new HashSet<>(waiting)));
        }
    }

    /** The revision of a request that started at {@code startNanos} ({@link System#nanoTime}) was sent. */
    void publishLatency(long startNanos) {
        publishLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** {@code node} reported holding {@code revision} of {@code namespace}, its files written. */
    synchronized void applied(String namespace, String node, long revision) {
        Watch w = rollouts.get(namespace);
        if (w != null && revision >= w.revision() && w.waiting().remove(node)) {
            finishIfDone(namespace, w);
        }
    }

    /** Nodes that went offline are no longer waited for. */
    synchronized void forget(Predicate<String> offline) {
        for (Map.Entry<String, Watch> e : List.copyOf(rollouts.entrySet())) {
            if (e.getValue().waiting().removeIf(offline)) {
                finishIfDone(e.getKey(), e.getValue());
            }
        }
    }

    private void finishIfDone(String namespace, Watch w) {
        if (w.waiting().isEmpty()) {
            rolloutDuration.record(System.nanoTime() - w.sentNanos(), TimeUnit.NANOSECONDS);
            rollouts.remove(namespace);
        }
    }

    /** A connection attempt on {@code port} (updates or sync), or a sign-in on the console, was refused. */
    void refused(String port, boolean rateLimited) {
        String p = "updates".equals(port) || "sync".equals(port) || "console".equals(port) ? port : "other";
        String key = p + rateLimited;
        Counter c;
        synchronized (refusals) {
            c = refusals.computeIfAbsent(key, k -> Counter.builder("zmtp.config.refusals")
                    .description("refused connection attempts").tag("port", p)
                    .tag("limited", String.valueOf(rateLimited)).register(registry));
        }
        c.increment();
    }

    @Override
    public void close() {
        unbindSockets();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // closing meters only: nothing to do about it
            }
        }
        closeables.clear();
        if (ownsRegistry) {
            registry.close();
        }
    }
}
