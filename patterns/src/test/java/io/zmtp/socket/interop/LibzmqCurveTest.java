package io.zmtp.socket.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.curve.CurveKeyPair;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** CURVE between our sockets and libzmq 4.3.4's, both roles, accepted and refused. */
class LibzmqCurveTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final CurveKeyPair SERVER = CurveKeyPair.generate();
    private static final CurveKeyPair CLIENT = CurveKeyPair.generate();
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
    void ourCurveClientToLibzmqCurveServer() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*",
                "curve_server=1", "curve_secretkey=" + SERVER.secretKeyZ85())) {
            Socket req = ctx.socket(SocketType.REQ);
            req.options().linger(0).receiveTimeout(WAIT.toMillis()).curveServerKey(SERVER.publicKeyZ85())
                    .curvePublicKey(CLIENT.publicKeyZ85()).curveSecretKey(CLIENT.secretKeyZ85());
            req.connect("tcp://127.0.0.1:" + rep.port);
            req.send(Message.of("over curve", ""));
            assertThat(rep.receiveStrings(10_000)).containsExactly("over curve", "");
            rep.send("ok");
            try (Message m = req.receive()) {
                assertThat(m.string(0)).isEqualTo("ok");
            }
            assertThat(req.peers()).singleElement().satisfies(p -> assertThat(p.mechanism()).isEqualTo("CURVE"));
        }
    }

    @Test
    void libzmqCurveClientToOurCurveServer() throws Exception {
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).receiveTimeout(WAIT.toMillis()).curveServer(true).curveSecretKey(SERVER.secretKeyZ85())
                .authenticator(r -> CompletableFuture.completedFuture(
                        java.util.Arrays.equals(r.credentials().get(0), CLIENT.publicKey())
                                ? AuthResult.ok("libzmq-client") : AuthResult.denied("unknown")));
        rep.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + rep.boundPort(),
                "curve_serverkey=" + SERVER.publicKeyZ85(), "curve_publickey=" + CLIENT.publicKeyZ85(),
                "curve_secretkey=" + CLIENT.secretKeyZ85())) {
            req.send("from libzmq");
            try (Message m = rep.receive()) {
                assertThat(m.string(0)).isEqualTo("from libzmq");
                assertThat(m.userId()).isEqualTo("libzmq-client");
            }
            rep.send(Message.of("welcome"));
            assertThat(req.receiveStrings(10_000)).containsExactly("welcome");
        }
    }

    @Test
    void weRefuseLibzmqsKeyAndLibzmqSaysAuth() throws Exception {
        Socket rep = ctx.socket(SocketType.REP);
        List<SocketEvent> events = new CopyOnWriteArrayList<>();
        rep.addEventListener(events::add);
        rep.options().linger(0).curveServer(true).curveSecretKey(SERVER.secretKeyZ85())
                .authenticator(r -> CompletableFuture.completedFuture(AuthResult.denied("unknown key")));
        rep.bind("tcp://127.0.0.1:*");
        try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + rep.boundPort(),
                "curve_serverkey=" + SERVER.publicKeyZ85(), "curve_publickey=" + CLIENT.publicKeyZ85(),
                "curve_secretkey=" + CLIENT.secretKeyZ85(), "monitor=1")) {
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
            List<String> seen = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                seen.addAll(req.events(200));
                return seen.contains("HANDSHAKE_FAILED_AUTH");
            });
            assertThat(seen).doesNotContain("HANDSHAKE_FAILED_PROTOCOL", "HANDSHAKE_SUCCEEDED");
        }
    }

    @Test
    void libzmqZapRefusesOurKeyAndWeSayAuth() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*", "curve_server=1",
                "curve_secretkey=" + SERVER.secretKeyZ85(), "curve_allow=" + CurveKeyPair.generate().publicKeyZ85())) {
            Socket req = ctx.socket(SocketType.REQ);
            List<SocketEvent> events = new CopyOnWriteArrayList<>();
            req.addEventListener(events::add);
            req.options().linger(0).curveServerKey(SERVER.publicKeyZ85());
            req.connect("tcp://127.0.0.1:" + rep.port);
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
            assertThat(events.stream().filter(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH).findFirst()
                    .orElseThrow().detail()).contains("400");
            await().atMost(WAIT).until(() -> req.peers().isEmpty());
            assertThat(events).noneMatch(e -> e.type() == SocketEvent.Type.CONNECT_RETRIED);
        }
    }

    @Test
    void ourClientWithAWrongServerKeyDoesNotConnectToLibzmq() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*",
                "curve_server=1", "curve_secretkey=" + SERVER.secretKeyZ85())) {
            String impostor = CurveKeyPair.generate().publicKeyZ85();
            Socket req = ctx.socket(SocketType.REQ);
            List<SocketEvent> events = new CopyOnWriteArrayList<>();
            req.addEventListener(events::add);
            req.options().linger(0).curveServerKey(impostor);
            req.connect("tcp://127.0.0.1:" + rep.port);
            req.send(Message.of("lost"));
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_NO_DETAIL
                    && e.detail().contains("server public key") && e.detail().contains(impostor)));
            assertThat(events).noneMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_SUCCEEDED);
            assertThat(rep.receive(300)).isNull();
        }
    }
}
