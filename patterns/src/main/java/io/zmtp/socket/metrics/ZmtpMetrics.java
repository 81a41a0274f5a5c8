package io.zmtp.socket.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.SocketStats;
import io.zmtp.socket.pipe.PeerInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * A socket's meters on a Micrometer registry the application owns. {@link #bind} registers them;
 * {@link #close()} removes them and stops listening to the socket's events. Micrometer is an
 * optional dependency of this module: only this package uses it.
 *
 * <p>Meters (each tagged {@code socket} = the name given, {@code type} = the socket type, plus the
 * tags given): {@code zmtp.socket.messages} and {@code zmtp.socket.bytes} (function counters,
 * {@code direction} = in|out), {@code zmtp.socket.hwm.hits}, {@code zmtp.socket.drops} (function
 * counters over {@link Socket#stats()}, which keeps the counts of peers that left, so they never go
 * down), {@code zmtp.socket.handshake.failures} ({@code reason} = protocol|auth|other),
 * {@code zmtp.socket.reconnects} (a connection made again to an endpoint connected before),
 * {@code zmtp.socket.connect.retries}, {@code zmtp.socket.peers} (gauge) and
 * {@code zmtp.peer.queue.depth} (gauge per peer and {@code direction}; {@code peer} is the endpoint
 * for peers we connected to, else the routing id, else the remote address; at most
 * {@value #MAX_PEER_GAUGES} peers, following the peers as they come and go).
 *
 * <p>Reading the meters visits the socket's loop at most once per {@link #REFRESH_NANOS} ns; meters
 * read in between use that one snapshot.
 */
public final class ZmtpMetrics implements AutoCloseable {
    /** The most peers that get queue-depth gauges of their own. */
    public static final int MAX_PEER_GAUGES = 100;
    /** How long one snapshot of the socket's counters serves reads of its meters. */
    public static final long REFRESH_NANOS = 50_000_000L;
    /** Endpoints remembered for telling a reconnection from a first connection. */
    private static final int MAX_ENDPOINTS = 1024;

    private static final SocketStats EMPTY = new SocketStats(0, 0, 0, 0, 0, 0, List.of());

    private final Socket socket;
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> socketMeters = new ArrayList<>();
    /** Per-peer gauges by peer key; guarded by {@code this}. */
    private final Map<String, List<Meter>> peerMeters = new LinkedHashMap<>();
    /** Endpoints that had a connection (added to on the loop, seeded at bind). */
    private final Set<String> connectedBefore = ConcurrentHashMap.newKeySet();
    private final Counter failedProtocol;
    private final Counter failedAuth;
    private final Counter failedOther;
    private final Counter reconnects;
    private final Counter retries;
    private final Consumer<SocketEvent> listener = this::onEvent;

    private volatile View view = new View(EMPTY, Map.of(), Long.MIN_VALUE);
    private volatile boolean closed;

    /** One snapshot: the socket's totals and the inbound/outbound depth per peer key. */
    private record View(SocketStats stats, Map<String, long[]> depths, long takenAt) {
    }

    private ZmtpMetrics(Socket socket, String name, MeterRegistry registry, Iterable<Tag> extra) {
        this.socket = socket;
        this.registry = registry;
        this.tags = Tags.of("socket", name, "type", socket.type().name()).and(extra);

        counter("zmtp.socket.messages", "in", "messages received", null, s -> s.messagesIn());
        counter("zmtp.socket.messages", "out", "messages written toward peers", null, s -> s.messagesOut());
        counter("zmtp.socket.bytes", "in", "body bytes received", "bytes", s -> s.bytesIn());
        counter("zmtp.socket.bytes", "out", "body bytes written toward peers", "bytes", s -> s.bytesOut());
        counter("zmtp.socket.hwm.hits", null, "times a peer's queue was at its high-water mark", null,
                s -> s.hwmHits());
        counter("zmtp.socket.drops", null, "messages dropped at a full peer queue", null, s -> s.drops());
        socketMeters.add(Gauge.builder("zmtp.socket.peers", this, m -> m.read().stats().peers().size())
                .description("peers of the socket").tags(tags).strongReference(true).register(registry));
        failedProtocol = eventCounter("zmtp.socket.handshake.failures", "protocol");
        failedAuth = eventCounter("zmtp.socket.handshake.failures", "auth");
        failedOther = eventCounter("zmtp.socket.handshake.failures", "other");
        reconnects = eventCounter("zmtp.socket.reconnects", null);
        retries = eventCounter("zmtp.socket.connect.retries", null);
        socket.addEventListener(listener);
        // Connections made before the listener was there count as first ones.
        for (PeerInfo p : read().stats().peers()) {
            if (p.connectSide() && p.connected() && p.endpoint() != null) {
                connectedBefore.add(p.endpoint());
            }
        }
    }

    /**
     * Registers the meters of {@code socket} on {@code registry}, tagged {@code socket=name} and
     * with {@code tags} (key, value, key, value, ...).
     */
    public static ZmtpMetrics bind(Socket socket, String name, MeterRegistry registry, String... tags) {
        return bind(socket, name, registry, Tags.of(tags));
    }

    /** {@link #bind(Socket, String, MeterRegistry, String...)} with Micrometer tags. */
    public static ZmtpMetrics bind(Socket socket, String name, MeterRegistry registry, Iterable<Tag> tags) {
        return new ZmtpMetrics(socket, name, registry, tags);
    }

    private void counter(String name, String direction, String description, String unit,
                         ToDoubleFunction<SocketStats> value) {
        FunctionCounter.Builder<ZmtpMetrics> b = FunctionCounter
                .builder(name, this, m -> value.applyAsDouble(m.read().stats()))
                .description(description).tags(tags);
        if (direction != null) {
            b.tag("direction", direction);
        }
        if (unit != null) {
            b.baseUnit(unit);
        }
        socketMeters.add(b.register(registry));
    }

    private Counter eventCounter(String name, String reason) {
        Counter.Builder b = Counter.builder(name).tags(tags);
        if (reason != null) {
            b.tag("reason", reason);
        }
        Counter c = b.register(registry);
        socketMeters.add(c);
        return c;
    }

    /** Runs on the socket's loop: must not wait for anything. */
    private void onEvent(SocketEvent e) {
        switch (e.type()) {
            case HANDSHAKE_FAILED_PROTOCOL -> failedProtocol.increment();
            case HANDSHAKE_FAILED_AUTH -> failedAuth.increment();
            case HANDSHAKE_FAILED_NO_DETAIL -> failedOther.increment();
            case CONNECT_RETRIED -> retries.increment();
            case DISCONNECTED -> {
                if (connectedBefore.size() < MAX_ENDPOINTS) {
                    connectedBefore.add(e.endpoint());
                }
            }
            case CONNECTED -> {
                if (connectedBefore.contains(e.endpoint())) {
                    reconnects.increment();
                } else if (connectedBefore.size() < MAX_ENDPOINTS) {
                    connectedBefore.add(e.endpoint());
                }
            }
            default -> {
            }
        }
        if (e.type() == SocketEvent.Type.HANDSHAKE_SUCCEEDED || e.type() == SocketEvent.Type.DISCONNECTED) {
            // The next read takes a fresh snapshot and brings the peer gauges in step.
            View v = view;
            view = new View(v.stats(), v.depths(), Long.MIN_VALUE);
        }
    }

    /** The current snapshot, fresh within {@link #REFRESH_NANOS}; the last one once the socket is closed. */
    private View read() {
        View v = view;
        long now = System.nanoTime();
        if (closed || (v.takenAt() != Long.MIN_VALUE && now - v.takenAt() < REFRESH_NANOS)) {
            return v;
        }
        SocketStats stats;
        try {
            stats = socket.isClosed() ? null : socket.stats();
        } catch (RuntimeException e) {
            stats = null;
        }
        if (stats == null) {
            return v;
        }
        Map<String, long[]> depths = new HashMap<>();
        for (PeerInfo p : stats.peers()) {
            long[] d = depths.computeIfAbsent(peerKey(p), k -> new long[2]);
            d[0] += p.inboundDepth();
            d[1] += p.outboundDepth();
        }
        View fresh = new View(stats, depths, now);
        view = fresh;
        followPeers(depths.keySet());
        return fresh;
    }

    /** Adds gauges for new peers (up to the bound) and removes those of peers that left. */
    private synchronized void followPeers(Set<String> present) {
        if (closed) {
            return;
        }
        peerMeters.entrySet().removeIf(entry -> {
            if (present.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().forEach(registry::remove);
            return true;
        });
        for (String key : present) {
            if (peerMeters.size() >= MAX_PEER_GAUGES) {
                break;
            }
            if (!peerMeters.containsKey(key)) {
                peerMeters.put(key, List.of(depthGauge(key, "in", 0), depthGauge(key, "out", 1)));
            }
        }
    }

    private Meter depthGauge(String key, String direction, int index) {
        return Gauge.builder("zmtp.peer.queue.depth", this, m -> {
                    long[] d = m.read().depths().get(key);
                    return d == null ? 0 : d[index];
                })
                .description("messages queued for (out) or from (in) one peer")
                .tags(tags).tag("direction", direction).tag("peer", key)
                .strongReference(true).register(registry);
    }

    /** The endpoint for a peer we connected to; else its routing id; else its address. */
    static String peerKey(PeerInfo p) {
        if (p.connectSide() && p.endpoint() != null) {
            return p.endpoint();
        }
        byte[] id = p.routingId();
        if (id != null && id.length > 0) {
            return routingIdText(id);
        }
        if (p.remoteAddress() != null) {
            return p.remoteAddress().toString();
        }
        return String.valueOf(p.endpoint());
    }

    private static String routingIdText(byte[] id) {
        boolean printable = true;
        for (byte b : id) {
            if (b < 0x21 || b > 0x7e) {
                printable = false;
                break;
            }
        }
        if (printable) {
            return new String(id, StandardCharsets.US_ASCII);
        }
        StringBuilder sb = new StringBuilder("0x");
        for (byte b : id) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** The peers that have queue-depth gauges now. */
    public synchronized Set<String> gaugedPeers() {
        return Set.copyOf(peerMeters.keySet());
    }

    /** Removes every meter this binder registered and stops listening to the socket. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            peerMeters.values().forEach(list -> list.forEach(registry::remove));
            peerMeters.clear();
        }
        socket.removeEventListener(listener);
        socketMeters.forEach(registry::remove);
    }
}
