package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every valid pairing of RFC 28-31 over every transport (tcp, ipc, inproc, ws), in both bind/connect
 * directions and both start orders.
 */
class SocketPairTest {
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

    /** Each transport with each variant: bit 0 clear = the first socket binds, bit 1 set = connect first. */
    static Stream<Arguments> cases() {
        return Stream.of("tcp", "ipc", "inproc", "ws")
                .flatMap(t -> IntStream.range(0, 4).mapToObj(v -> Arguments.of(t, v)));
    }

    private static final AtomicInteger NAMES = new AtomicInteger();

    /** An endpoint on {@code transport} nobody uses yet, for a bind that may come after the connect. */
    private static String freeEndpoint(String transport) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:" + freePort();
            case "ipc" -> "ipc://" + System.getProperty("java.io.tmpdir") + "/zmtp-pair-" + ProcessHandle.current().pid()
                    + "-" + NAMES.incrementAndGet();
            case "inproc" -> "inproc://pair-" + NAMES.incrementAndGet();
            case "ws" -> "ws://127.0.0.1:" + freePort() + "/zmtp";
            default -> throw new IllegalArgumentException(transport);
        };
    }

    private Socket[] pair(SocketType a, SocketType b, String transport, int variant) {
        return pair(a, b, transport, (variant & 1) == 0, (variant & 2) != 0);
    }

    /** Two connected sockets; {@code binderIsA} picks who binds; {@code connectFirst} starts the connecting side first. */
    private Socket[] pair(SocketType a, SocketType b, String transport, boolean binderIsA, boolean connectFirst) {
        Socket sa = ctx.socket(a);
        Socket sb = ctx.socket(b);
        for (Socket s : new Socket[] {sa, sb}) {
            s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        }
        Socket binder = binderIsA ? sa : sb;
        Socket connecter = binderIsA ? sb : sa;
        String endpoint = freeEndpoint(transport);
        if (connectFirst) {
            connecter.connect(endpoint);
            binder.bind(endpoint);
        } else {
            connecter.connect(binder.bind(endpoint));
        }
        return new Socket[] {sa, sb};
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(Message m) {
        try (m) {
            return m.strings();
        }
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void reqRep(String transport, int variant) {
        Socket[] s = pair(SocketType.REQ, SocketType.REP, transport, variant);
        for (int i = 0; i < 3; i++) {
            assertThat(s[0].send(Message.of("hello", "" + i))).isTrue();
            assertThat(strings(s[1].receive())).containsExactly("hello", "" + i);
            assertThat(s[1].send(Message.of("world", "" + i))).isTrue();
            assertThat(strings(s[0].receive())).containsExactly("world", "" + i);
        }
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void pushPull(String transport, int variant) {
        Socket[] s = pair(SocketType.PUSH, SocketType.PULL, transport, variant);
        for (int i = 0; i < 100; i++) {
            assertThat(s[0].send(Message.of("m" + i))).isTrue();
        }
        for (int i = 0; i < 100; i++) {
            assertThat(strings(s[1].receive())).containsExactly("m" + i);
        }
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void pairPair(String transport, int variant) {
        Socket[] s = pair(SocketType.PAIR, SocketType.PAIR, transport, variant);
        s[0].send(Message.of("ping"));
        assertThat(strings(s[1].receive())).containsExactly("ping");
        s[1].send(Message.of("pong"));
        assertThat(strings(s[0].receive())).containsExactly("pong");
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void dealerRouter(String transport, int variant) {
        Socket[] s = pair(SocketType.DEALER, SocketType.ROUTER, transport, variant);
        s[0].send(Message.of("a", "b"));
        Message at = s[1].receive();
        assertThat(at.size()).isEqualTo(3);
        byte[] id = at.bytes(0);
        assertThat(id).hasSize(5).startsWith(0);
        assertThat(strings(at).subList(1, 3)).containsExactly("a", "b");
        s[1].send(Message.of(id).add("reply"));
        assertThat(strings(s[0].receive())).containsExactly("reply");
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void dealerRep(String transport, int variant) {
        Socket[] s = pair(SocketType.DEALER, SocketType.REP, transport, variant);
        s[0].send(Message.of("", "q"));
        assertThat(strings(s[1].receive())).containsExactly("q");
        s[1].send(Message.of("r"));
        assertThat(strings(s[0].receive())).containsExactly("", "r");
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void reqRouter(String transport, int variant) {
        Socket[] s = pair(SocketType.REQ, SocketType.ROUTER, transport, variant);
        s[0].send(Message.of("q"));
        Message at = s[1].receive();
        List<String> frames = at.strings();
        byte[] id = at.bytes(0);
        at.close();
        assertThat(frames.subList(1, 3)).containsExactly("", "q");
        s[1].send(Message.of(id).add("").add("r"));
        assertThat(strings(s[0].receive())).containsExactly("r");
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void dealerDealer(String transport, int variant) {
        Socket[] s = pair(SocketType.DEALER, SocketType.DEALER, transport, variant);
        s[0].send(Message.of("x"));
        assertThat(strings(s[1].receive())).containsExactly("x");
        s[1].send(Message.of("y"));
        assertThat(strings(s[0].receive())).containsExactly("y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc", "inproc", "ws"})
    void routerRouterWithExplicitIdentities(String transport) {
        Socket a = ctx.socket(SocketType.ROUTER);
        Socket b = ctx.socket(SocketType.ROUTER);
        a.options().identity("A".getBytes()).linger(0).receiveTimeout(WAIT.toMillis());
        b.options().identity("B".getBytes()).linger(0).receiveTimeout(WAIT.toMillis());
        b.connect(a.bind(freeEndpoint(transport)));
        // The connecting ROUTER learns the peer's id from the handshake; wait until it is routable.
        await().atMost(WAIT).until(() -> ((io.zmtp.socket.type.Router) b).hasPeer("A".getBytes()));
        b.send(Message.of("A", "hi"));
        assertThat(strings(a.receive())).containsExactly("B", "hi");
        a.send(Message.of("B", "back"));
        assertThat(strings(b.receive())).containsExactly("A", "back");
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("cases")
    void pubSubWithPrefixFilter(String transport, int variant) {
        Socket[] s = pair(SocketType.PUB, SocketType.SUB, transport, variant);
        Sub sub = (Sub) s[1];
        sub.subscribe("weather.");
        // A late subscription reaches the publisher asynchronously: publish until one arrives.
        Message first = null;
        while (first == null) {
            s[0].send(Message.of("news.x", "skip"));
            s[0].send(Message.of("weather.paris", "sunny"));
            first = sub.receive(Duration.ofMillis(50));
        }
        assertThat(strings(first)).containsExactly("weather.paris", "sunny");
        s[0].send(Message.of("news.y", "skip"));
        s[0].send(Message.of("weather.oslo", "snow"));
        List<String> next;
        do {
            Message m = sub.receive();
            assertThat(m).isNotNull();
            next = strings(m);
        } while (next.get(1).equals("sunny"));
        // Only subscribed topics arrive, in order.
        assertThat(next).containsExactly("weather.oslo", "snow");
    }
}
