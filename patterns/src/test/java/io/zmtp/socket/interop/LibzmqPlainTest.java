package io.zmtp.socket.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.testing.LibzmqPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** PLAIN between our sockets and libzmq 4.3.4's, both roles, accepted and refused. */
class LibzmqPlainTest {
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

    @Test
    void ourPlainClientToLibzmqPlainServer() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*", "plain_server=admin:secret")) {
            Socket req = ctx.socket(SocketType.REQ);
            req.options().linger(0).receiveTimeout(WAIT.toMillis()).plainCredentials("admin", "secret");
            req.connect("tcp://127.0.0.1:" + rep.port);
            req.send(Message.of("over plain"));
            assertThat(rep.receiveStrings(10_000)).containsExactly("over plain");
            rep.send("ok");
            try (Message m = req.receive()) {
                assertThat(m.string(0)).isEqualTo("ok");
            }
            assertThat(req.peers()).singleElement().satisfies(p -> assertThat(p.mechanism()).isEqualTo("PLAIN"));
        }
    }

    @Test
    void libzmqPlainClientToOurPlainServer() throws Exception {
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).receiveTimeout(WAIT.toMillis())
                .plainServer(new PlainPasswordAuthenticator(Map.of("admin", "secret")));
        rep.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + rep.boundPort(),
                "plain_user=admin", "plain_password=secret")) {
            req.send("from libzmq");
            try (Message m = rep.receive()) {
                assertThat(m.string(0)).isEqualTo("from libzmq");
            }
            rep.send(Message.of("welcome"));
            assertThat(req.receiveStrings(10_000)).containsExactly("welcome");
            assertThat(rep.peers()).singleElement().satisfies(p -> assertThat(p.userId()).isEqualTo("admin"));
        }
    }

    @Test
    void libzmqServerRefusesOurWrongPasswordAndWeSayAuth() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*", "plain_server=admin:secret")) {
            Socket req = ctx.socket(SocketType.REQ);
            List<SocketEvent> events = new CopyOnWriteArrayList<>();
            req.addEventListener(events::add);
            req.options().linger(0).plainCredentials("admin", "wrong");
            req.connect("tcp://127.0.0.1:" + rep.port);
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
            assertThat(events.stream().filter(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH).findFirst().orElseThrow().detail())
                    .contains("400");
        }
    }

    @Test
    void weRefuseLibzmqsWrongPasswordAndLibzmqSaysAuth() throws Exception {
        Socket rep = ctx.socket(SocketType.REP);
        List<SocketEvent> events = new CopyOnWriteArrayList<>();
        rep.addEventListener(events::add);
        rep.options().linger(0).plainServer(new PlainPasswordAuthenticator(Map.of("admin", "secret")));
        rep.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + rep.boundPort(),
                "plain_user=admin", "plain_password=wrong", "monitor=1")) {
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
            // libzmq's client recognises our ERROR (sent in its own spelling) as an authentication failure.
            List<String> seen = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                seen.addAll(req.events(200));
                return seen.contains("HANDSHAKE_FAILED_AUTH");
            });
            assertThat(seen).doesNotContain("HANDSHAKE_FAILED_PROTOCOL");
        }
    }
}
