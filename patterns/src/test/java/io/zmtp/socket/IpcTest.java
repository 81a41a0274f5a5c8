package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Sub;
import io.zmtp.testing.LibzmqPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The ipc transport (Unix domain sockets), between our sockets and with libzmq. */
class IpcTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        ctx = new ZmtpContext();
        dir = Files.createTempDirectory(Path.of("/tmp"), "zipc");
    }

    @AfterEach
    void tearDown() throws IOException {
        ctx.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private String endpoint(String name) {
        return "ipc://" + dir.resolve(name);
    }

    private Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    private static List<String> strings(Message m) {
        assertThat(m).isNotNull();
        try (m) {
            return m.strings();
        }
    }

    @Test
    void reqRepAndPushPullOverIpc() {
        Socket rep = socket(SocketType.REP);
        assertThat(rep.bind(endpoint("rr"))).isEqualTo(endpoint("rr"));
        Socket req = socket(SocketType.REQ);
        req.connect(endpoint("rr"));
        req.send(Message.of("over", "ipc"));
        assertThat(strings(rep.receive())).containsExactly("over", "ipc");
        rep.send(Message.of("ok"));
        assertThat(strings(req.receive())).containsExactly("ok");

        Socket pull = socket(SocketType.PULL);
        pull.bind(endpoint("pp"));
        Socket push = socket(SocketType.PUSH);
        push.connect(endpoint("pp"));
        push.send(Message.of(new byte[300_000]));
        try (Message m = pull.receive()) {
            assertThat(m.frame(0).readableBytes()).isEqualTo(300_000);
        }
    }

    @Test
    void pubSubOverIpc() {
        Socket pub = socket(SocketType.PUB);
        pub.bind(endpoint("ps"));
        Sub sub = ctx.socket(SocketType.SUB, Sub.class);
        sub.subscribe("k");
        sub.connect(endpoint("ps"));
        String[] got = new String[1];
        await().atMost(WAIT).until(() -> {
            pub.send(Message.of("x"));
            pub.send(Message.of("k1"));
            Message m = sub.receive(Duration.ofMillis(20));
            if (m != null) {
                got[0] = strings(m).get(0);
            }
            return got[0] != null;
        });
        assertThat(got[0]).isEqualTo("k1");
    }

    @Test
    void aStaleSocketFileIsReplacedAndTheFileGoesAwayOnClose() throws Exception {
        Path path = dir.resolve("stale");
        // Leave a socket file behind, as a crashed process would.
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(path));
        }
        assertThat(Files.exists(path)).isTrue();
        Socket pull = socket(SocketType.PULL);
        pull.bind("ipc://" + path);
        Socket push = socket(SocketType.PUSH);
        push.connect("ipc://" + path);
        push.send(Message.of("fresh"));
        assertThat(strings(pull.receive())).containsExactly("fresh");
        pull.close();
        await().atMost(WAIT).until(() -> !Files.exists(path));
    }

    @Test
    void aLivePathAndBadPathsAreRefusedClearly() {
        Socket first = socket(SocketType.PULL);
        first.bind(endpoint("busy"));
        assertThatThrownBy(() -> socket(SocketType.PULL).bind(endpoint("busy")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("listening");
        String tooLong = "ipc:///tmp/" + "x".repeat(120);
        assertThatThrownBy(() -> socket(SocketType.PULL).bind(tooLong))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 107");
        assertThatThrownBy(() -> socket(SocketType.PULL).bind("ipc:///nonexistent-dir-zmtp/x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot bind");
    }

    @Test
    void libzmqConnectsToOurIpcEndpointAndWeToTheirs() throws Exception {
        LibzmqPeer.assumeAvailable();
        Socket rep = socket(SocketType.REP);
        rep.bind(endpoint("ours"));
        try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", endpoint("ours"))) {
            req.send("from libzmq");
            assertThat(strings(rep.receive())).containsExactly("from libzmq");
            rep.send(Message.of("from us"));
            assertThat(req.receiveStrings(10_000)).containsExactly("from us");
        }
        try (LibzmqPeer pull = new LibzmqPeer("PULL", "bind", endpoint("theirs"))) {
            Socket push = socket(SocketType.PUSH);
            push.connect(endpoint("theirs"));
            push.send(Message.of("to libzmq", "over ipc"));
            assertThat(pull.receiveStrings(10_000)).containsExactly("to libzmq", "over ipc");
        }
    }
}
