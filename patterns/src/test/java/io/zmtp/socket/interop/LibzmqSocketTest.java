package io.zmtp.socket.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Router;
import io.zmtp.testing.LibzmqPeer;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Our sockets against libzmq 4.3.4's (through python3-zmq), with our side in both roles. */
class LibzmqSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    @BeforeAll
    static void requireLibzmq() {
        LibzmqPeer.assumeAvailable();
    }

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private Socket ours(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(1000).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    private static List<String> strings(Message m) {
        assertThat(m).as("message within the timeout").isNotNull();
        try (m) {
            return m.strings();
        }
    }

    @Test
    void ourReqToLibzmqRep() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*")) {
            Socket req = ours(SocketType.REQ);
            req.connect("tcp://127.0.0.1:" + rep.port);
            req.send(Message.of("hello", "there"));
            assertThat(rep.receiveStrings(10_000)).containsExactly("hello", "there");
            rep.send("world");
            assertThat(strings(req.receive())).containsExactly("world");
        }
    }

    @Test
    void libzmqReqToOurRep() throws Exception {
        Socket rep = ours(SocketType.REP);
        rep.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + rep.boundPort())) {
            for (int i = 0; i < 3; i++) {
                req.send("q" + i);
                assertThat(strings(rep.receive())).containsExactly("q" + i);
                rep.send(Message.of("r" + i, "more"));
                assertThat(req.receiveStrings(10_000)).containsExactly("r" + i, "more");
            }
        }
    }

    @Test
    void ourPubFiltersForLibzmqSub() throws Exception {
        Socket pub = ours(SocketType.PUB);
        pub.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer sub = new LibzmqPeer("SUB", "connect", "tcp://127.0.0.1:" + pub.boundPort(),
                "subscribe=" + hex("weather"))) {
            // The subscription reaches us asynchronously: publish until the first one gets through.
            List<String> got = null;
            for (int i = 0; i < 200 && got == null; i++) {
                pub.send(Message.of("news", "n" + i));
                pub.send(Message.of("weather", "w" + i));
                got = sub.receiveStrings(50);
            }
            assertThat(got).isNotNull();
            assertThat(got.get(0)).isEqualTo("weather");
            pub.send(Message.of("news", "last-news"));
            pub.send(Message.of("weather", "last-weather"));
            List<String> m;
            do {
                m = sub.receiveStrings(10_000);
                assertThat(m).isNotNull();
                assertThat(m.get(0)).isEqualTo("weather");
            } while (!m.get(1).equals("last-weather"));
        }
    }

    @Test
    void libzmqPubToOurSub() throws Exception {
        try (LibzmqPeer pub = new LibzmqPeer("PUB", "bind", "tcp://127.0.0.1:*")) {
            Sub sub = (Sub) ours(SocketType.SUB);
            sub.subscribe("b");
            sub.connect("tcp://127.0.0.1:" + pub.port);
            Message got = null;
            for (int i = 0; i < 200 && got == null; i++) {
                pub.send("a-skip");
                pub.send("b-take");
                got = sub.receive(Duration.ofMillis(50));
            }
            assertThat(strings(got)).containsExactly("b-take");
        }
    }

    @Test
    void ourPushToLibzmqPull() throws Exception {
        try (LibzmqPeer pull = new LibzmqPeer("PULL", "bind", "tcp://127.0.0.1:*")) {
            Socket push = ours(SocketType.PUSH);
            push.connect("tcp://127.0.0.1:" + pull.port);
            byte[] big = new byte[300_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31 + 7);
            }
            push.send(Message.of(new byte[0], new byte[255], new byte[256], big));
            List<byte[]> frames = pull.receive(10_000);
            assertThat(frames).hasSize(4);
            assertThat(frames.get(0)).isEmpty();
            assertThat(frames.get(1)).hasSize(255);
            assertThat(frames.get(2)).hasSize(256);
            assertThat(frames.get(3)).isEqualTo(big);
        }
    }

    @Test
    void libzmqPushToOurPull() throws Exception {
        Socket pull = ours(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer push = new LibzmqPeer("PUSH", "connect", "tcp://127.0.0.1:" + pull.boundPort())) {
            for (int i = 0; i < 10; i++) {
                push.send("m" + i);
            }
            for (int i = 0; i < 10; i++) {
                assertThat(strings(pull.receive())).containsExactly("m" + i);
            }
        }
    }

    @Test
    void ourRouterToLibzmqDealerWithIdentity() throws Exception {
        Socket router = ours(SocketType.ROUTER);
        router.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer dealer = new LibzmqPeer("DEALER", "connect", "tcp://127.0.0.1:" + router.boundPort(), "identity=abc")) {
            dealer.send("hi");
            assertThat(strings(router.receive())).containsExactly("abc", "hi");
            router.send(Message.of("abc", "back"));
            assertThat(dealer.receiveStrings(10_000)).containsExactly("back");
        }
    }

    @Test
    void ourDealerToLibzmqRouterGetsAGeneratedId() throws Exception {
        try (LibzmqPeer router = new LibzmqPeer("ROUTER", "bind", "tcp://127.0.0.1:*")) {
            Socket dealer = ours(SocketType.DEALER);
            dealer.connect("tcp://127.0.0.1:" + router.port);
            dealer.send(Message.of("x"));
            List<byte[]> got = router.receive(10_000);
            assertThat(got.get(0)).hasSize(5).startsWith(0);
            assertThat(new String(got.get(1), StandardCharsets.UTF_8)).isEqualTo("x");
            router.send(got.get(0), "y".getBytes(StandardCharsets.UTF_8));
            assertThat(strings(dealer.receive())).containsExactly("y");
        }
    }

    @Test
    void libzmqRouterAndOurRouterTalkByIdentity() throws Exception {
        Socket router = ours(SocketType.ROUTER);
        router.options().identity("ours".getBytes(StandardCharsets.UTF_8));
        try (LibzmqPeer theirs = new LibzmqPeer("ROUTER", "bind", "tcp://127.0.0.1:*", "identity=theirs")) {
            router.connect("tcp://127.0.0.1:" + theirs.port);
            await().atMost(WAIT).until(() -> ((Router) router).hasPeer("theirs".getBytes(StandardCharsets.UTF_8)));
            router.send(Message.of("theirs", "ping"));
            assertThat(theirs.receiveStrings(10_000)).containsExactly("ours", "ping");
            theirs.send("ours", "pong");
            assertThat(strings(router.receive())).containsExactly("theirs", "pong");
        }
    }

    @Test
    void pairBothWays() throws Exception {
        try (LibzmqPeer theirs = new LibzmqPeer("PAIR", "bind", "tcp://127.0.0.1:*")) {
            Socket pair = ours(SocketType.PAIR);
            pair.connect("tcp://127.0.0.1:" + theirs.port);
            pair.send(Message.of("one"));
            assertThat(theirs.receiveStrings(10_000)).containsExactly("one");
            theirs.send("two");
            assertThat(strings(pair.receive())).containsExactly("two");
        }
        Socket pair = ours(SocketType.PAIR);
        pair.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer theirs = new LibzmqPeer("PAIR", "connect", "tcp://127.0.0.1:" + pair.boundPort())) {
            theirs.send("three");
            assertThat(strings(pair.receive())).containsExactly("three");
            pair.send(Message.of("four"));
            assertThat(theirs.receiveStrings(10_000)).containsExactly("four");
        }
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
