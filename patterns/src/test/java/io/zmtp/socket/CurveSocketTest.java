package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.auth.AuthRequest;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** CURVE on sockets: libzmq-style key options, a working REQ/REP, refused and misdirected clients. */
class CurveSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final CurveKeyPair SERVER = CurveKeyPair.generate();
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private Socket server(List<SocketEvent> events) {
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).receiveTimeout(WAIT.toMillis()).curveServer(true).curveSecretKey(SERVER.secretKeyZ85());
        rep.addEventListener(events::add);
        rep.bind("tcp://127.0.0.1:*");
        return rep;
    }

    private static boolean saw(List<SocketEvent> events, SocketEvent.Type type) {
        return events.stream().anyMatch(e -> e.type() == type);
    }

    @Test
    void reqRepWithKeysOnBothSockets() {
        Socket rep = server(new CopyOnWriteArrayList<>());
        CurveKeyPair clientKeys = CurveKeyPair.generate();
        Socket req = ctx.socket(SocketType.REQ);
        req.options().linger(0).receiveTimeout(WAIT.toMillis()).curveServerKey(SERVER.publicKeyZ85())
                .curvePublicKey(clientKeys.publicKeyZ85()).curveSecretKey(clientKeys.secretKeyZ85());
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        for (int i = 0; i < 3; i++) {
            req.send(Message.of("request " + i));
            try (Message m = rep.receive()) {
                assertThat(m.string(0)).isEqualTo("request " + i);
            }
            rep.send(Message.of("reply " + i));
            try (Message m = req.receive()) {
                assertThat(m.string(0)).isEqualTo("reply " + i);
            }
        }
        assertThat(rep.peers()).singleElement().satisfies(p -> assertThat(p.mechanism()).isEqualTo("CURVE"));
        assertThat(req.peers()).singleElement().satisfies(p -> assertThat(p.mechanism()).isEqualTo("CURVE"));
    }

    @Test
    void clientWithoutKeysGetsAFreshPairThatTheAuthenticatorSees() {
        List<AuthRequest> asked = new CopyOnWriteArrayList<>();
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).receiveTimeout(WAIT.toMillis()).curveServer(true).curveSecretKey(SERVER.secretKey())
                .authenticator(r -> {
                    asked.add(r);
                    return CompletableFuture.completedFuture(AuthResult.ok("client-1"));
                });
        rep.bind("tcp://127.0.0.1:*");
        Socket req = ctx.socket(SocketType.REQ);
        req.options().linger(0).receiveTimeout(WAIT.toMillis())
                .curveServerKey(SERVER.publicKeyZ85().getBytes(StandardCharsets.US_ASCII));
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        req.send(Message.of("who am i"));
        try (Message m = rep.receive()) {
            assertThat(m.string(0)).isEqualTo("who am i");
            assertThat(m.userId()).isEqualTo("client-1");
        }
        byte[] presented = req.options().curvePublicKey();
        assertThat(presented).hasSize(32);
        assertThat(asked).singleElement().satisfies(r -> {
            assertThat(r.mechanism()).isEqualTo("CURVE");
            assertThat(r.credentials()).singleElement().isEqualTo(presented);
        });
    }

    @Test
    void clientWithTheWrongServerKeyDoesNotConnect() {
        List<SocketEvent> serverEvents = new CopyOnWriteArrayList<>();
        Socket rep = server(serverEvents);
        String impostor = CurveKeyPair.generate().publicKeyZ85();
        Socket req = ctx.socket(SocketType.REQ);
        List<SocketEvent> clientEvents = new CopyOnWriteArrayList<>();
        req.addEventListener(clientEvents::add);
        req.options().linger(0).curveServerKey(impostor);
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        req.send(Message.of("never delivered"));
        await().atMost(WAIT).until(() -> saw(serverEvents, SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL));
        assertThat(serverEvents.stream().filter(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL)
                .findFirst().orElseThrow().detail()).contains("HELLO does not open");
        await().atMost(WAIT).until(() -> clientEvents.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_NO_DETAIL
                && e.detail().contains(impostor)));
        assertThat(saw(clientEvents, SocketEvent.Type.HANDSHAKE_SUCCEEDED)).isFalse();
        assertThat(saw(serverEvents, SocketEvent.Type.HANDSHAKE_SUCCEEDED)).isFalse();
        assertThat(rep.tryReceive()).isNull();
    }

    @Test
    void refusedClientIsReportedOnBothSidesAndNotRetried() {
        List<SocketEvent> serverEvents = new CopyOnWriteArrayList<>();
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).curveServer(true).curveSecretKey(SERVER.secretKeyZ85())
                .authenticator(r -> CompletableFuture.completedFuture(AuthResult.denied("not today")));
        rep.addEventListener(serverEvents::add);
        rep.bind("tcp://127.0.0.1:*");
        Socket req = ctx.socket(SocketType.REQ);
        List<SocketEvent> clientEvents = new CopyOnWriteArrayList<>();
        req.addEventListener(clientEvents::add);
        req.options().linger(0).curveServerKey(SERVER.publicKey());
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        await().atMost(WAIT).until(() -> saw(clientEvents, SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
        await().atMost(WAIT).until(() -> saw(serverEvents, SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
        await().atMost(WAIT).until(() -> req.peers().isEmpty());
        assertThat(clientEvents).noneMatch(e -> e.type() == SocketEvent.Type.CONNECT_RETRIED);
    }

    @Test
    void keyOptionsAreValidatedAndMapToTheCodec() {
        SocketOptions o = ctx.socket(SocketType.DEALER).options();
        assertThatThrownBy(() -> o.curveSecretKey("too short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CURVE_SECRETKEY").hasMessageNotContaining("too short");
        assertThatThrownBy(() -> o.curveServerKey(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CURVE_SERVERKEY").hasMessageContaining("31");
        byte[] z85WithNul = (SERVER.publicKeyZ85() + "\0").getBytes(StandardCharsets.US_ASCII);
        o.curveServerKey(z85WithNul);
        ZmtpConfig client = o.codecConfig();
        assertThat(client.mechanismName()).isEqualTo("CURVE");
        assertThat(client.newMechanism().asServer()).isFalse();
        // Halves of two different pairs are refused when a connection is set up.
        o.curveSecretKey(CurveKeyPair.generate().secretKey()).curvePublicKey(CurveKeyPair.generate().publicKey());
        assertThatThrownBy(o::codecConfig).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not belong to CURVE_SECRETKEY");
        // PLAIN after CURVE: the last mechanism set wins, as in libzmq.
        o.plainCredentials("u", "p");
        assertThat(o.codecConfig().mechanismName()).isEqualTo("PLAIN");
        o.curveServer(true).curveSecretKey(SERVER.secretKeyZ85()).curvePublicKey(SERVER.publicKeyZ85());
        assertThat(o.codecConfig().newMechanism().asServer()).isTrue();
        assertThat(o.curvePublicKey()).isEqualTo(SERVER.publicKey());
        o.curveServer(false);
        assertThat(o.codecConfig().mechanismName()).isEqualTo("NULL");
        SocketOptions server = ctx.socket(SocketType.ROUTER).options().curveServer(true);
        assertThatThrownBy(server::codecConfig).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CURVE_SECRETKEY");
    }
}
