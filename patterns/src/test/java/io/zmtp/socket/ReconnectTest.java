package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bound side goes away and comes back on the same port; the connected side carries on by itself. */
class ReconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private static List<String> strings(Message m) {
        assertThat(m).isNotNull();
        try (m) {
            return m.strings();
        }
    }

    private Socket bound(SocketType type, int port) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis());
        s.bind(port == 0 ? "tcp://127.0.0.1:*" : "tcp://127.0.0.1:" + port);
        return s;
    }

    @Test
    void pushResumesAfterThePullerRestartsAndDeliversWhatWasQueued() {
        Socket pull = bound(SocketType.PULL, 0);
        int port = pull.boundPort();
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0).sendTimeout(WAIT.toMillis());
        List<SocketEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        push.addEventListener(events::add);
        push.connect("tcp://127.0.0.1:" + port);
        push.send(Message.of("before"));
        assertThat(strings(pull.receive())).containsExactly("before");

        pull.close();
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.DISCONNECTED));
        // Queued on the connect-side pipe while the peer is away.
        push.send(Message.of("while-away"));
        Socket again = bound(SocketType.PULL, port);
        assertThat(strings(again.receive())).containsExactly("while-away");
        push.send(Message.of("after"));
        assertThat(strings(again.receive())).containsExactly("after");
        assertThat(events).anyMatch(e -> e.type() == SocketEvent.Type.CONNECT_RETRIED);
    }

    /**
     * Without a back-off, each retry waits RECONNECT_IVL as it is set at that moment: an application
     * (the config agent's standby) can slow or speed the retries of a connected socket.
     */
    @Test
    void aRetryWaitsTheIntervalSetWhenItIsScheduled() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();  // closed again: nothing listens there
        }
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.options().linger(0).reconnectIvl(100);
        List<Long> delays = new java.util.concurrent.CopyOnWriteArrayList<>();
        dealer.addEventListener(e -> {
            if (e.type() == SocketEvent.Type.CONNECT_RETRIED) {
                delays.add(Long.parseLong(e.detail().replace(" ms", "")));
            }
        });
        dealer.connect("tcp://127.0.0.1:" + port);
        await().atMost(WAIT).until(() -> !delays.isEmpty());
        assertThat(delays.get(0)).isBetween(100L, 199L);
        dealer.options().reconnectIvl(3_000);
        // The retry already scheduled keeps its 100-200 ms; the next one waits the new interval.
        await().atMost(WAIT).until(() -> delays.get(delays.size() - 1) >= 3_000);
        assertThat(delays.get(delays.size() - 1)).isLessThan(6_000L);
        dealer.close();
    }

    @Test
    void subscriberResubscribesAfterThePublisherRestarts() {
        Socket pub = bound(SocketType.PUB, 0);
        int port = pub.boundPort();
        Sub sub = ctx.socket(SocketType.SUB, Sub.class);
        sub.options().linger(0);
        sub.subscribe("t");
        sub.connect("tcp://127.0.0.1:" + port);
        assertThat(firstDelivered(pub, sub)).startsWith("t");

        pub.close();
        Socket again = bound(SocketType.PUB, port);
        assertThat(firstDelivered(again, sub)).startsWith("t");
    }

    /** Publishes until the subscriber gets something (subscriptions travel asynchronously). */
    private static String firstDelivered(Socket pub, Socket sub) {
        List<String> seen = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            pub.send(Message.of("x-not-subscribed"));
            pub.send(Message.of("t-subscribed"));
            Message m = sub.receive(Duration.ofMillis(20));
            if (m != null) {
                seen.add(strings(m).get(0));
            }
            return !seen.isEmpty();
        });
        return seen.get(0);
    }

    @Test
    void reqReconnectsToARestartedRep() {
        Socket rep = bound(SocketType.REP, 0);
        int port = rep.boundPort();
        Socket req = ctx.socket(SocketType.REQ);
        req.options().linger(0).receiveTimeout(WAIT.toMillis());
        List<SocketEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        req.addEventListener(events::add);
        req.connect("tcp://127.0.0.1:" + port);
        req.send(Message.of("1"));
        assertThat(strings(rep.receive())).containsExactly("1");
        rep.send(Message.of("r1"));
        assertThat(strings(req.receive())).containsExactly("r1");

        rep.close();
        // A request written before the requester notices the lost connection is lost with it (in
        // libzmq too); wait for the disconnect so the request waits in the pipe for the reconnect.
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.DISCONNECTED));
        Socket again = bound(SocketType.REP, port);
        req.send(Message.of("2"));
        assertThat(strings(again.receive())).containsExactly("2");
        again.send(Message.of("r2"));
        assertThat(strings(req.receive())).containsExactly("r2");
    }

    @Test
    void closeDeliversQueuedMessagesToAPeerThatComesUpWithinLinger() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(WAIT.toMillis());
        push.connect("tcp://127.0.0.1:" + port);
        for (int i = 0; i < 3; i++) {
            push.send(Message.of("queued-" + i));
        }
        java.util.concurrent.CompletableFuture<Void> closing = java.util.concurrent.CompletableFuture.runAsync(push::close);
        Socket pull = bound(SocketType.PULL, port);
        for (int i = 0; i < 3; i++) {
            assertThat(strings(pull.receive())).containsExactly("queued-" + i);
        }
        closing.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(push.isClosed()).isTrue();
    }

    @Test
    void lingerZeroClosesAtOnceAndReleasesWhatIsQueued() {
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0);
        push.connect("tcp://127.0.0.1:9");
        push.send(Message.of("never delivered"));
        push.close();
        assertThat(push.isClosed()).isTrue();
    }
}
