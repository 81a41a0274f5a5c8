package io.zmtp.codec.interop;

import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.Ping;
import io.zmtp.codec.command.Pong;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Our CURVE client and server over real loopback TCP connections. */
class CurveLoopbackTest {
    private static final CurveKeyPair SERVER = CurveKeyPair.generate();
    private static final CurveKeyPair CLIENT = CurveKeyPair.generate();

    private static byte[] payload(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 13 + seed);
        }
        return b;
    }

    private static void assertFrames(ZmtpMessage m, byte[]... expected) {
        try {
            assertThat(m.size()).isEqualTo(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(ByteBufUtil.getBytes(m.frame(i))).as("frame %d", i).isEqualTo(expected[i]);
            }
        } finally {
            m.release();
        }
    }

    @Test
    void multipartMessagesWithEmptyAndLargeFramesBothWays() throws Exception {
        try (CodecEndpoint server = new CodecEndpoint(); CodecEndpoint client = new CodecEndpoint()) {
            int port = server.listen(ZmtpConfig.builder(SocketType.DEALER).curveServer(SERVER).build());
            client.connect(ZmtpConfig.builder(SocketType.DEALER).curveClient(SERVER.publicKey(), CLIENT).build(), port);
            byte[][] up = {payload(0, 1), payload(300 * 1024, 2), payload(5, 3), payload(0, 4)};
            byte[][] down = {payload(300 * 1024, 5), payload(0, 6), payload(256, 7)};
            client.send(ZmtpMessage.ofBytes(up));
            client.send(ZmtpMessage.ofBytes(payload(1, 9)));
            assertThat(server.next(HandshakeCompleted.class).mechanism()).isEqualTo("CURVE");
            assertFrames(server.next(ZmtpMessage.class), up);
            assertFrames(server.next(ZmtpMessage.class), payload(1, 9));
            server.send(ZmtpMessage.ofBytes(down));
            assertFrames(client.next(ZmtpMessage.class), down);
        }
    }

    @Test
    void subscriptionsAndHeartbeatsGoThroughTheBoxes() throws Exception {
        try (CodecEndpoint pub = new CodecEndpoint(); CodecEndpoint sub = new CodecEndpoint()) {
            int port = pub.listen(ZmtpConfig.builder(SocketType.PUB).curveServer(SERVER).build());
            // The subscriber pings every 50 ms and gives up 2 s after a PING without any traffic back.
            sub.connect(ZmtpConfig.builder(SocketType.SUB).curveClient(SERVER.publicKey(), CLIENT)
                    .heartbeatInterval(Duration.ofMillis(50)).heartbeatTimeout(Duration.ofSeconds(2)).build(), port);
            sub.write(new Subscribe("news".getBytes()));
            Subscribe s = pub.next(Subscribe.class);
            assertThat(s.topic()).isEqualTo("news".getBytes());
            pub.send(ZmtpMessage.ofStrings("news", "boxed"));
            assertFrames(sub.next(ZmtpMessage.class), "news".getBytes(), "boxed".getBytes());

            sub.write(new Ping(0, "ctx".getBytes()));
            int pongs = 0;
            boolean sawOurContext = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((pongs < 5 || !sawOurContext) && System.nanoTime() < deadline) {
                Command c = sub.nextCommand(1000);
                if (c instanceof Pong p) {
                    pongs++;
                    sawOurContext |= new String(p.context()).equals("ctx");
                }
            }
            assertThat(sawOurContext).as("PONG echoing our PING's context").isTrue();
            assertThat(pongs).as("PONGs answering the heartbeat PINGs").isGreaterThanOrEqualTo(5);
            assertThat(pub.nextCommand(1000)).as("the SUBSCRIBE, seen first").isInstanceOf(Subscribe.class);
            assertThat(pub.nextCommand(1000)).isInstanceOf(Ping.class);
            assertThat(sub.isOpen()).isTrue();
        }
    }

    @Test
    void refusedClientKeyFailsBothSidesWithAuth() throws Exception {
        try (CodecEndpoint server = new CodecEndpoint(); CodecEndpoint client = new CodecEndpoint()) {
            int port = server.listen(ZmtpConfig.builder(SocketType.REP).curveServer(SERVER)
                    .authenticator(r -> CompletableFuture.completedFuture(AuthResult.denied("not on the list"))).build());
            client.connect(ZmtpConfig.builder(SocketType.REQ).curveClient(SERVER.publicKey(), CLIENT).build(), port);
            assertThat(server.next(HandshakeFailed.class).reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            HandshakeFailed atClient = client.next(HandshakeFailed.class);
            assertThat(atClient.reason()).isEqualTo(HandshakeFailed.Reason.AUTH);
            assertThat(atClient.detail()).contains("400");
        }
    }
}
