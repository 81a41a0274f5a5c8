package io.zmtp.codec.interop;

import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.auth.AuthRequest;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Pong;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.testing.LibzmqPeer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CURVE between the codec and libzmq 4.3.4 (python3-zmq, libsodium): both roles, frames of 0, 255,
 * 256 and 1 MiB both ways, PING/PONG and subscriptions inside MESSAGE boxes, refusals by either
 * side's authenticator (ZAP on libzmq's), and wrong server keys in both directions.
 */
class LibzmqCurveTest {
    private static final int[] SIZES = {0, 255, 256, 1 << 20};
    private static final CurveKeyPair SERVER = CurveKeyPair.generate();
    private static final CurveKeyPair CLIENT = CurveKeyPair.generate();

    @BeforeAll
    static void requireLibzmq() {
        LibzmqPeer.assumeAvailable();
    }

    private static byte[][] payloads() {
        byte[][] frames = new byte[SIZES.length][];
        for (int i = 0; i < SIZES.length; i++) {
            frames[i] = new byte[SIZES[i]];
            for (int j = 0; j < SIZES[i]; j++) {
                frames[i][j] = (byte) (j * 31 + 7 + i);
            }
        }
        return frames;
    }

    /** [empty delimiter] + frames, as the REQ/REP envelope our codec-level side writes itself. */
    private static ZmtpMessage withDelimiter(byte[][] frames) {
        byte[][] all = new byte[frames.length + 1][];
        all[0] = new byte[0];
        System.arraycopy(frames, 0, all, 1, frames.length);
        return ZmtpMessage.ofBytes(all);
    }

    private static void assertDelimited(ZmtpMessage m, byte[][] expected) {
        try {
            assertThat(m.size()).isEqualTo(expected.length + 1);
            assertThat(m.frame(0).readableBytes()).isZero();
            for (int i = 0; i < expected.length; i++) {
                assertThat(ByteBufUtil.getBytes(m.frame(i + 1))).as("frame %d", i).isEqualTo(expected[i]);
            }
        } finally {
            m.release();
        }
    }

    private static void assertFrames(List<byte[]> got, byte[][] expected) {
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(got.get(i)).as("frame %d", i).isEqualTo(expected[i]);
        }
    }

    private static String[] libzmqServer(String... extra) {
        List<String> o = new ArrayList<>(List.of("curve_server=1", "curve_secretkey=" + SERVER.secretKeyZ85()));
        o.addAll(List.of(extra));
        return o.toArray(new String[0]);
    }

    private static String[] libzmqClient(byte[] serverKey, String... extra) {
        CurveKeyPair me = CLIENT;
        List<String> o = new ArrayList<>(List.of("curve_serverkey=" + io.zmtp.codec.curve.Z85.encode(serverKey),
                "curve_publickey=" + me.publicKeyZ85(), "curve_secretkey=" + me.secretKeyZ85()));
        o.addAll(List.of(extra));
        return o.toArray(new String[0]);
    }

    private static ZmtpConfig ourClient(SocketType type, byte[] serverKey) {
        return ZmtpConfig.builder(type).curveClient(serverKey, CLIENT).build();
    }

    /** Waits for a PONG (the heartbeat handler passes nothing else back here). */
    private static Pong nextPong(CodecEndpoint ours) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            Command c = ours.nextCommand(1000);
            if (c instanceof Pong p) {
                return p;
            }
        }
        return null;
    }

    @Test
    void ourClientToLibzmqServer() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*", libzmqServer());
             CodecEndpoint ours = new CodecEndpoint()) {
            ours.connect(ourClient(SocketType.REQ, SERVER.publicKey()), rep.port);
            byte[][] frames = payloads();
            ours.send(withDelimiter(frames));
            HandshakeCompleted done = ours.next(HandshakeCompleted.class);
            assertThat(done.mechanism()).isEqualTo("CURVE");
            assertThat(done.peerSocketType()).isEqualTo(SocketType.REP);
            assertFrames(rep.receive(10_000), frames);
            rep.send(frames);
            assertDelimited(ours.next(ZmtpMessage.class), frames);
            // A command boxed with the inner COMMAND bit: libzmq answers the PING with a PONG.
            ours.write(new Ping(0, "ctx".getBytes()));
            Pong pong = nextPong(ours);
            assertThat(pong).as("libzmq's PONG").isNotNull();
            assertThat(pong.context()).isEqualTo("ctx".getBytes());
            // And the connection still carries messages after the commands.
            ours.send(withDelimiter(new byte[][] {"again".getBytes()}));
            assertThat(rep.receiveStrings(10_000)).containsExactly("again");
        }
    }

    @Test
    void libzmqClientToOurServer() throws Exception {
        List<AuthRequest> asked = new CopyOnWriteArrayList<>();
        try (CodecEndpoint ours = new CodecEndpoint()) {
            int port = ours.listen(ZmtpConfig.builder(SocketType.REP).curveServer(SERVER).authenticator(r -> {
                asked.add(r);
                return CompletableFuture.completedFuture(AuthResult.ok("known-client"));
            }).build());
            try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + port,
                    libzmqClient(SERVER.publicKey()))) {
                byte[][] frames = payloads();
                req.send(frames);
                HandshakeCompleted done = ours.next(HandshakeCompleted.class);
                assertThat(done.peerSocketType()).isEqualTo(SocketType.REQ);
                assertThat(done.userId()).isEqualTo("known-client");
                assertThat(asked).singleElement().satisfies(r -> {
                    assertThat(r.mechanism()).isEqualTo("CURVE");
                    assertThat(r.credentials()).singleElement().isEqualTo(CLIENT.publicKey());
                });
                assertDelimited(ours.next(ZmtpMessage.class), frames);
                ours.send(withDelimiter(frames));
                assertFrames(req.receive(10_000), frames);
                ours.write(new Ping(0, "hb".getBytes()));
                Pong pong = nextPong(ours);
                assertThat(pong).as("libzmq's PONG").isNotNull();
                assertThat(pong.context()).isEqualTo("hb".getBytes());
            }
        }
    }

    @Test
    void ourServerWithoutAuthenticatorAcceptsLibzmqClients() throws Exception {
        try (CodecEndpoint ours = new CodecEndpoint()) {
            int port = ours.listen(ZmtpConfig.builder(SocketType.PULL).curveServer(SERVER).build());
            try (LibzmqPeer push = new LibzmqPeer("PUSH", "connect", "tcp://127.0.0.1:" + port,
                    libzmqClient(SERVER.publicKey()))) {
                push.send("a", "", "c");
                assertThat(ours.next(HandshakeCompleted.class).userId()).isEmpty();
                ZmtpMessage m = ours.next(ZmtpMessage.class);
                assertThat(List.of(m.string(0), m.string(1), m.string(2))).containsExactly("a", "", "c");
                m.release();
            }
        }
    }

    @Test
    void weRefuseLibzmqsKeyAndLibzmqSaysAuth() throws Exception {
        try (CodecEndpoint ours = new CodecEndpoint()) {
            int port = ours.listen(ZmtpConfig.builder(SocketType.REP).curveServer(SERVER)
                    .authenticator(r -> CompletableFuture.completedFuture(AuthResult.denied("unknown key"))).build());
            try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + port,
                    libzmqClient(SERVER.publicKey(), "monitor=1"))) {
                HandshakeFailed failed = ours.next(HandshakeFailed.class);
                assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
                assertThat(failed.detail()).contains(CLIENT.publicKeyZ85());
                List<String> seen = new ArrayList<>();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!seen.contains("HANDSHAKE_FAILED_AUTH") && System.nanoTime() < deadline) {
                    seen.addAll(req.events(200));
                }
                assertThat(seen).contains("HANDSHAKE_FAILED_AUTH").doesNotContain("HANDSHAKE_SUCCEEDED");
            }
        }
    }

    @Test
    void libzmqZapRefusesOurKeyAndWeSayAuth() throws Exception {
        String otherKey = CurveKeyPair.generate().publicKeyZ85();
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*", libzmqServer("curve_allow=" + otherKey));
             CodecEndpoint ours = new CodecEndpoint()) {
            ours.connect(ourClient(SocketType.REQ, SERVER.publicKey()), rep.port);
            HandshakeFailed failed = ours.next(HandshakeFailed.class);
            assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            assertThat(failed.detail()).contains("400");
        }
    }

    @Test
    void libzmqZapAcceptsOurKey() throws Exception {
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*",
                libzmqServer("curve_allow=" + CLIENT.publicKeyZ85()));
             CodecEndpoint ours = new CodecEndpoint()) {
            ours.connect(ourClient(SocketType.REQ, SERVER.publicKey()), rep.port);
            ours.send(withDelimiter(new byte[][] {"vouched".getBytes()}));
            assertThat(rep.receiveStrings(10_000)).containsExactly("vouched");
        }
    }

    @Test
    void ourClientWithAWrongServerKeyIsToldWhy() throws Exception {
        CurveKeyPair impostor = CurveKeyPair.generate();
        try (LibzmqPeer rep = new LibzmqPeer("REP", "bind", "tcp://127.0.0.1:*", libzmqServer("monitor=1"));
             CodecEndpoint ours = new CodecEndpoint()) {
            ours.connect(ourClient(SocketType.REQ, impostor.publicKey()), rep.port);
            HandshakeFailed failed = ours.next(HandshakeFailed.class);
            // libzmq cannot open our HELLO and hangs up without a word; the client's state says why.
            assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.CLOSED);
            assertThat(failed.detail()).contains("without answering our HELLO")
                    .contains("server public key").contains(impostor.publicKeyZ85());
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!seen.contains("HANDSHAKE_FAILED_PROTOCOL") && System.nanoTime() < deadline) {
                seen.addAll(rep.events(200));
            }
            assertThat(seen).contains("HANDSHAKE_FAILED_PROTOCOL");
        }
    }

    @Test
    void libzmqClientWithAWrongServerKeyIsRefusedByUs() throws Exception {
        try (CodecEndpoint ours = new CodecEndpoint()) {
            int port = ours.listen(ZmtpConfig.builder(SocketType.REP).curveServer(SERVER).build());
            try (LibzmqPeer req = new LibzmqPeer("REQ", "connect", "tcp://127.0.0.1:" + port,
                    libzmqClient(CurveKeyPair.generate().publicKey()))) {
                HandshakeFailed failed = ours.next(HandshakeFailed.class);
                assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
                assertThat(failed.detail()).contains("HELLO does not open");
                assertThat(ours.inboxHas(HandshakeCompleted.class)).isFalse();
            }
        }
    }

    @Test
    void libzmqSubscriberToOurPublisher() throws Exception {
        try (CodecEndpoint ours = new CodecEndpoint()) {
            int port = ours.listen(ZmtpConfig.builder(SocketType.PUB).curveServer(SERVER).build());
            try (LibzmqPeer sub = new LibzmqPeer("SUB", "connect", "tcp://127.0.0.1:" + port,
                    libzmqClient(SERVER.publicKey(), "subscribe=" + java.util.HexFormat.of().formatHex("top".getBytes())))) {
                Subscribe s = ours.next(Subscribe.class);
                assertThat(s.topic()).isEqualTo("top".getBytes());
                ours.send(ZmtpMessage.ofStrings("topic", "data"));
                assertThat(sub.receiveStrings(10_000)).containsExactly("topic", "data");
            }
        }
    }

    @Test
    void ourSubscriberToLibzmqPublisher() throws Exception {
        try (LibzmqPeer pub = new LibzmqPeer("PUB", "bind", "tcp://127.0.0.1:*", libzmqServer());
             CodecEndpoint ours = new CodecEndpoint()) {
            ours.connect(ourClient(SocketType.SUB, SERVER.publicKey()), pub.port);
            ours.write(new Subscribe("t".getBytes()));
            assertThat(ours.next(HandshakeCompleted.class).peerSocketType()).isEqualTo(SocketType.PUB);
            // libzmq's PUB drops what it sends before our SUBSCRIBE reached it: publish until one arrives.
            ZmtpMessage got = null;
            for (int i = 0; i < 100 && got == null; i++) {
                pub.send("other", "x");
                pub.send("t1", "payload");
                got = ours.poll(ZmtpMessage.class, 100);
            }
            assertThat(got).as("a message published after our boxed SUBSCRIBE").isNotNull();
            assertThat(got.string(0)).isEqualTo("t1");
            assertThat(got.string(1)).isEqualTo("payload");
            got.release();
        }
    }
}
