package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.SocketOptions;
import io.zmtp.socket.ZmtpContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What one cell runs with: our context, the peer host, the transport, and everything the cell
 * opened (closed in reverse order when it ends). Connections over tcp go through a
 * {@link WireTap}, whose capture is shown when the cell fails.
 */
public final class Cell implements AutoCloseable {
    /** How long a cell waits for any one thing to happen. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** How long one receive waits before the other peers are poked. */
    private static final Duration SLICE = Duration.ofMillis(50);
    private static final AtomicInteger IPC_PATHS = new AtomicInteger();

    private final String name;
    private final PeerKind kind;
    private final Transport transport;
    private final Supplier<PeerHost> sharedHost;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<WireTap> taps = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    private final List<Path> ipcFiles = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private ZmtpContext ctx;
    private PeerHost host;

    Cell(String name, PeerKind kind, Transport transport, Supplier<PeerHost> sharedHost) {
        this.name = name;
        this.kind = kind;
        this.transport = transport;
        this.sharedHost = sharedHost;
    }

    public String name() {
        return name;
    }

    public PeerKind kind() {
        return kind;
    }

    public Transport transport() {
        return transport;
    }

    /** Adds a remark to this cell's line in the report (e.g. how a peer reports something). */
    public void note(String remark) {
        notes.add(remark);
    }

    List<String> notes() {
        return notes;
    }

    /** The peer host shared by the cells of this test class (started on first use). */
    public PeerHost host() {
        if (host == null) {
            host = sharedHost.get();
        }
        return host;
    }

    /** A host of the peer implementation of this cell's own, killed or closed when the cell ends. */
    public PeerHost newHost() {
        PeerHost h = kind.start();
        resources.push(h);
        return h;
    }

    private ZmtpContext ctx() {
        if (ctx == null) {
            ctx = new ZmtpContext();
        }
        return ctx;
    }

    /** Our socket of {@code type}, not lingering. */
    public OurEnd ours(SocketType type) {
        return ours(type, o -> { });
    }

    public OurEnd ours(SocketType type, Consumer<SocketOptions> options) {
        io.zmtp.socket.Socket s = ctx().socket(type);
        s.options().linger(0);
        options.accept(s.options());
        OurEnd end = new OurEnd(s);
        resources.push(end);
        return end;
    }

    /** A peer socket on the shared host. */
    public Peer peer(String type, PeerOptions options) {
        return peer(host(), type, options);
    }

    public Peer peer(String type) {
        return peer(type, PeerOptions.none());
    }

    /** A peer socket on {@code on}. */
    public Peer peer(PeerHost on, String type, PeerOptions options) {
        Peer p = on.open(type, options);
        resources.push(p);
        peers.add(p);
        return p;
    }

    /** Where to bind on this cell's transport: an ephemeral tcp port, or a fresh ipc path. */
    public String bindEndpoint() {
        if (transport == Transport.TCP) {
            return "tcp://127.0.0.1:*";
        }
        Path p = Path.of(System.getProperty("java.io.tmpdir"),
                "zmtp-interop-" + ProcessHandle.current().pid() + "-" + IPC_PATHS.incrementAndGet() + ".ipc");
        ipcFiles.add(p);
        return "ipc://" + p;
    }

    /**
     * Binds {@code binder}, connects {@code connecter} to it (over tcp through a wire tap) and
     * returns the endpoint bound, for a later bind at the same place.
     */
    public String link(End binder, End connecter) {
        String bound = binder.bind(bindEndpoint());
        connectTo(bound, binder, connecter);
        return bound;
    }

    /** Connects {@code connecter} to {@code bound}, where {@code binder} listens. */
    public void connectTo(String bound, End binder, End connecter) {
        connecter.connect(target(bound, binder, connecter));
    }

    /** PEER: binds {@code binder}, connects {@code connecter} with connectPeer and returns the id it gave. */
    public int linkPeer(End binder, End connecter) {
        String bound = binder.bind(bindEndpoint());
        return connecter.connectPeer(target(bound, binder, connecter));
    }

    /** Where {@code connecter} connects to reach {@code bound}: over tcp, a wire tap in between. */
    private String target(String bound, End binder, End connecter) {
        if (!bound.startsWith("tcp://")) {
            return bound;
        }
        int port = Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1));
        WireTap tap = new WireTap(port, connecter.who() + " " + connecter.type() + " -> " + binder.who(),
                binder.who() + " " + binder.type() + " -> " + connecter.who());
        taps.add(tap);
        return "tcp://127.0.0.1:" + tap.port();
    }

    /**
     * Binds {@code end} to {@code endpoint} again (a restarted peer taking its predecessor's
     * place), retrying while the address is still held by the socket that just went away.
     */
    public String rebind(End end, String endpoint) {
        String[] bound = new String[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> (bound[0] = end.bind(endpoint)) != null);
        return bound[0];
    }

    /**
     * What the wire taps of this cell kept from {@code from}'s side, one entry per connection (a
     * peer that had to reconnect shows several).
     */
    public List<byte[]> capturedFrom(End from) {
        List<byte[]> out = new ArrayList<>();
        for (WireTap t : taps) {
            out.addAll(t.captured(from.who() + " " + from.type()));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no wire capture from " + from.who() + " " + from.type());
        }
        return out;
    }

    /** How many ZMTP commands named {@code name} (PING, PONG, ...) the wire taps of this cell saw from {@code from}. */
    public int commandsFrom(End from, String name) {
        if (taps.isEmpty()) {
            throw new IllegalStateException("no wire capture: " + transport.label());
        }
        int n = 0;
        for (WireTap t : taps) {
            n += t.commands(from.who() + " " + from.type(), name);
        }
        return n;
    }

    /** Makes every wire tap of this cell stop forwarding on the connections it has (see {@link WireTap#freeze()}). */
    public void freezeWire() {
        if (taps.isEmpty()) {
            throw new IllegalStateException("no wire tap to freeze: " + transport.label());
        }
        for (WireTap t : taps) {
            t.freeze();
        }
    }

    /** Waits until our socket has a peer and checks it negotiated this cell's peer's ZMTP revision. */
    public void expectZmtpVersion(OurEnd ours) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> ours.socket().peers().stream()
                .anyMatch(p -> p.version() != null));
        assertThat(ours.socket().peers()).filteredOn(p -> p.version() != null)
                .allSatisfy(p -> assertThat(p.version()).as("negotiated ZMTP revision").isEqualTo(kind.zmtpVersion()));
    }

    /** What the wire taps of this cell captured, or a note that there were none. */
    public String wire() {
        if (taps.isEmpty()) {
            return "(no wire capture: " + transport.label() + ")";
        }
        StringBuilder sb = new StringBuilder();
        for (WireTap t : taps) {
            sb.append(t.describe());
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ waiting

    /**
     * The next message at {@code end}, failing when none comes within {@link #WAIT}. While it
     * waits, the cell's other peer sockets are poked, as an application polling them would:
     * libzmq and JeroMQ attach a pipe accepted by a bound socket (and send a SUB's subscriptions
     * on it) only when the application thread next enters that socket.
     */
    public List<byte[]> next(End end) {
        List<byte[]> m = receive(end, WAIT);
        assertThat(m).as("%s %s received a message within %s", end.who(), end.type(), WAIT).isNotNull();
        return m;
    }

    /** The next message at {@code end} within {@code timeout} (peers poked meanwhile), or null. */
    public List<byte[]> receive(End end, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            List<byte[]> m = end.receive(Duration.ofNanos(Math.max(1_000_000, Math.min(left, SLICE.toNanos()))));
            if (m != null) {
                return m;
            }
            if (deadline - System.nanoTime() <= 0) {
                return null;
            }
            pokePeersBut(end);
        }
    }

    /** Lets every peer socket of this cell but {@code except} process what its I/O thread told it. */
    public void pokePeersBut(End except) {
        for (Peer p : peers) {
            if (p != except) {
                p.poke();
            }
        }
    }

    /** The next message at {@code end} must be exactly {@code expected} (UTF-8 frames). */
    public void expect(End end, String... expected) {
        assertThat(End.strings(next(end))).as("what %s %s received", end.who(), end.type()).containsExactly(expected);
    }

    /** The next message at {@code end} must be exactly these frames. */
    public void expectBytes(End end, List<byte[]> expected) {
        Check.assertSameFrames(next(end), expected, end.who() + " " + end.type());
    }

    /** Nothing may arrive at {@code end} within {@code quiet}. */
    public void expectNothing(End end, Duration quiet) {
        List<byte[]> m = receive(end, quiet);
        assertThat(m == null ? null : End.strings(m)).as("%s %s must receive nothing", end.who(), end.type()).isNull();
    }

    /**
     * Publishes {@code frames} from {@code pub} until {@code sub} receives a message (a new
     * subscriber misses what was sent before its subscription arrived), then returns that message.
     */
    public List<byte[]> publishUntilReceived(End pub, End sub, List<byte[]> frames) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            pub.send(frames);
            List<byte[]> got = sub.receive(Duration.ofMillis(20));
            if (got != null) {
                return got;
            }
            pokePeersBut(sub);
        }
        throw new AssertionError(sub.who() + " " + sub.type() + " received nothing from " + pub.who() + " "
                + pub.type() + " within " + WAIT);
    }

    /**
     * Sends {@code marker} from {@code pub} and receives at {@code sub} until it arrives, checking
     * the first frame of everything before it with {@code allowed}. Returns those first frames.
     */
    public List<String> drainUntil(End pub, End sub, String marker, Predicate<String> allowed) {
        pub.send(marker);
        List<String> before = new ArrayList<>();
        while (true) {
            String first = new String(next(sub).get(0), StandardCharsets.UTF_8);
            if (first.equals(marker)) {
                return before;
            }
            assertThat(allowed.test(first)).as("%s %s received '%s' before '%s'", sub.who(), sub.type(), first, marker)
                    .isTrue();
            before.add(first);
        }
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the cell failed: " + e, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (ctx != null) {
            ctx.close();
        }
        for (WireTap t : taps) {
            t.close();
        }
        for (Path p : ipcFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a stale file in tmp is harmless
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
