package io.zmtp.socket.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.PeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A socket's meters over real tcp connections on 127.0.0.1, with real traffic. */
class ZmtpMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
        registry.close();
    }

    private Socket pull() {
        Socket s = ctx.socket(SocketType.PULL);
        s.options().linger(0).receiveTimeout(WAIT.toMillis());
        s.bind("tcp://127.0.0.1:*");
        return s;
    }

    private Socket push(int port) {
        Socket s = ctx.socket(SocketType.PUSH);
        s.options().linger(0).sendTimeout(WAIT.toMillis());
        s.connect("tcp://127.0.0.1:" + port);
        return s;
    }

    private double count(String name, String socket, String... tags) {
        var search = registry.find(name).tag("socket", socket);
        for (int i = 0; i < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        var fc = search.functionCounter();
        if (fc != null) {
            return fc.count();
        }
        var c = search.counter();
        return c == null ? Double.NaN : c.count();
    }

    private double gauge(String name, String socket, String... tags) {
        var search = registry.find(name).tag("socket", socket);
        for (int i = 0; i < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        var g = search.gauge();
        return g == null ? Double.NaN : g.value();
    }

    private static long sum(Socket s, java.util.function.ToLongFunction<PeerInfo> f) {
        return s.peers().stream().mapToLong(f).sum();
    }

    private static void receive(Socket s, int n) {
        for (int i = 0; i < n; i++) {
            try (Message m = s.receive()) {
                assertThat(m).isNotNull();
            }
        }
    }

    @Test
    void countersFollowRealTrafficAndAgreeWithPeers() {
        Socket pull = pull();
        Socket push = push(pull.boundPort());
        ZmtpMetrics in = ZmtpMetrics.bind(pull, "in", registry, "app", "test");
        ZmtpMetrics out = ZmtpMetrics.bind(push, "out", registry);
        int n = 250;
        for (int i = 0; i < n; i++) {
            assertThat(push.send(Message.of(String.format("message-%04d", i)))).isTrue();
        }
        receive(pull, n);
        long bytes = n * "message-0000".length();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count("zmtp.socket.messages", "in", "direction", "in")).isEqualTo(n);
            assertThat(count("zmtp.socket.messages", "out", "direction", "out")).isEqualTo(n);
        });
        assertThat(count("zmtp.socket.bytes", "in", "direction", "in")).isEqualTo(bytes);
        assertThat(count("zmtp.socket.bytes", "out", "direction", "out")).isEqualTo(bytes);
        assertThat(count("zmtp.socket.messages", "in", "direction", "in")).isEqualTo(sum(pull, PeerInfo::messagesIn));
        assertThat(count("zmtp.socket.bytes", "out", "direction", "out")).isEqualTo(sum(push, PeerInfo::bytesOut));
        assertThat(count("zmtp.socket.messages", "in", "direction", "out")).isZero();
        assertThat(count("zmtp.socket.drops", "in")).isZero();
        assertThat(gauge("zmtp.socket.peers", "in")).isEqualTo(1);
        assertThat(registry.find("zmtp.socket.messages").tag("app", "test").functionCounters()).hasSize(2);
        assertThat(count("zmtp.socket.handshake.failures", "in", "reason", "auth")).isZero();
        in.close();
        out.close();
    }

    @Test
    void queueDepthGaugeRisesWhileTheReceiverDoesNotReadAndFallsAfter() {
        Socket pull = pull();
        Socket push = push(pull.boundPort());
        ZmtpMetrics metrics = ZmtpMetrics.bind(pull, "in", registry);
        // More than the inbound ring (1024) holds, so the rest waits in the peer's queue.
        int n = 1500;
        for (int i = 0; i < n; i++) {
            assertThat(push.send(Message.of("x"))).isTrue();
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(gauge("zmtp.socket.peers", "in")).isEqualTo(1);
            assertThat(gauge("zmtp.peer.queue.depth", "in", "direction", "in")).isPositive();
        });
        assertThat(metrics.gaugedPeers()).hasSize(1);
        receive(pull, n);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(gauge("zmtp.peer.queue.depth", "in", "direction", "in")).isZero());
        assertThat(count("zmtp.socket.messages", "in", "direction", "in")).isEqualTo(n);
        metrics.close();
    }

    @Test
    void routerDealerCountsAndPeerGaugesFollowThePeers() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.options().linger(0).receiveTimeout(WAIT.toMillis());
        router.bind("tcp://127.0.0.1:*");
        ZmtpMetrics metrics = ZmtpMetrics.bind(router, "router", registry, "role", "sync");
        Socket a = ctx.socket(SocketType.DEALER);
        a.options().linger(0).identity("dealer-a".getBytes());
        a.connect("tcp://127.0.0.1:" + router.boundPort());
        Socket b = ctx.socket(SocketType.DEALER);
        b.options().linger(0).identity("dealer-b".getBytes());
        b.connect("tcp://127.0.0.1:" + router.boundPort());
        for (int i = 0; i < 10; i++) {
            a.send(Message.of("from-a"));
            b.send(Message.of("from-b"));
        }
        for (int i = 0; i < 20; i++) {
            try (Message m = router.receive()) {
                assertThat(m).isNotNull();
                router.send(Message.of(m.bytes(0), "answer".getBytes()));
            }
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count("zmtp.socket.messages", "router", "direction", "in")).isEqualTo(20);
            assertThat(count("zmtp.socket.messages", "router", "direction", "out")).isEqualTo(20);
            assertThat(metrics.gaugedPeers()).containsExactlyInAnyOrder("dealer-a", "dealer-b");
        });
        double bytesIn = count("zmtp.socket.bytes", "router", "direction", "in");

        // A peer that leaves takes its gauges with it, and nothing of the counters.
        a.close();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(gauge("zmtp.socket.peers", "router")).isEqualTo(1);
            assertThat(metrics.gaugedPeers()).containsExactly("dealer-b");
        });
        assertThat(registry.find("zmtp.peer.queue.depth").tag("peer", "dealer-a").gauges()).isEmpty();
        assertThat(count("zmtp.socket.messages", "router", "direction", "in")).isEqualTo(20);
        assertThat(count("zmtp.socket.messages", "router", "direction", "out")).isEqualTo(20);
        assertThat(count("zmtp.socket.bytes", "router", "direction", "in")).isEqualTo(bytesIn);
        assertThat(sum(router, PeerInfo::messagesIn)).isEqualTo(10);
        metrics.close();
    }

    @Test
    void handshakeFailureIsCountedWithItsReason() {
        Socket server = ctx.socket(SocketType.PULL);
        server.options().linger(0).plainServer(new PlainPasswordAuthenticator(Map.of("admin", "secret")));
        server.bind("tcp://127.0.0.1:*");
        ZmtpMetrics metrics = ZmtpMetrics.bind(server, "server", registry);
        Socket client = ctx.socket(SocketType.PUSH);
        client.options().linger(0).plainCredentials("admin", "guess");
        client.connect("tcp://127.0.0.1:" + server.boundPort());
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(count("zmtp.socket.handshake.failures", "server", "reason", "auth")).isEqualTo(1));
        assertThat(count("zmtp.socket.handshake.failures", "server", "reason", "protocol")).isZero();
        metrics.close();
    }

    @Test
    void reconnectIsCountedAfterThePeerRestarts() {
        Socket pull = pull();
        int port = pull.boundPort();
        Socket push = push(port);
        ZmtpMetrics metrics = ZmtpMetrics.bind(push, "push", registry);
        push.send(Message.of("before"));
        receive(pull, 1);
        assertThat(count("zmtp.socket.reconnects", "push")).isZero();

        pull.close();
        await().atMost(WAIT).until(() -> push.peers().stream().noneMatch(PeerInfo::connected));
        Socket again = ctx.socket(SocketType.PULL);
        again.options().linger(0).receiveTimeout(WAIT.toMillis());
        again.bind("tcp://127.0.0.1:" + port);
        push.send(Message.of("after"));
        receive(again, 1);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count("zmtp.socket.reconnects", "push")).isEqualTo(1);
            assertThat(count("zmtp.socket.messages", "push", "direction", "out")).isEqualTo(2);
        });
        metrics.close();
    }

    @Test
    void closeRemovesEveryMeter() {
        Socket pull = pull();
        Socket push = push(pull.boundPort());
        ZmtpMetrics metrics = ZmtpMetrics.bind(pull, "in", registry);
        push.send(Message.of("one"));
        receive(pull, 1);
        await().atMost(WAIT).until(() -> gauge("zmtp.socket.peers", "in") == 1 && !metrics.gaugedPeers().isEmpty());
        assertThat(registry.find("zmtp.peer.queue.depth").gauges()).hasSize(2);
        metrics.close();
        assertThat(registry.getMeters()).extracting(Meter::getId).isEmpty();
        // The socket carries on without its listener.
        push.send(Message.of("two"));
        receive(pull, 1);
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void nothingElseInPatternsImportsMicrometer() throws IOException {
        Path main = Path.of("src/main/java");
        Path metrics = main.resolve("io/zmtp/socket/metrics");
        assertThat(metrics.resolve("ZmtpMetrics.java")).exists();
        try (Stream<Path> files = Files.walk(main)) {
            List<Path> users = files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(metrics))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("io.micrometer");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
            assertThat(users).as("Micrometer is optional: only io.zmtp.socket.metrics may use it").isEmpty();
        }
    }
}
