package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our CURVE server against a hand-built client (written from RFC 26 with {@link CryptoBox}), so
 * that INITIATEs no honest client sends can be tried: vouches for the wrong keys, a reused nonce,
 * a forged cookie.
 */
class RawCurveClientTest {
    private static final CurveKeyPair SERVER = CurveKeyPair.generate();

    /** What the raw client puts into its INITIATE. */
    private record Knobs(boolean vouchForOtherTransient, boolean vouchForOtherServer, long initiateNonce,
                         boolean forgeCookie) {
        static Knobs honest() {
            return new Knobs(false, false, 2, false);
        }
    }

    private static byte[] nonce16(String prefix, long n) {
        return ByteBuffer.allocate(24).put(prefix.getBytes()).putLong(n).array();
    }

    private static byte[] nonce8(String prefix, byte[] random16, int offset) {
        return ByteBuffer.allocate(24).put(prefix.getBytes()).put(random16, offset, 16).array();
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] commandFrame(byte[] body) {
        return TappedPair.frame(0x04, body);
    }

    /** Runs the handshake against a fresh server channel; returns the channel for inspection. */
    private static EmbeddedChannel run(Knobs knobs) throws Exception {
        EmbeddedChannel server = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.REP).curveServer(SERVER).build());
        server.writeInbound(Hex.buf("FF 00 00 00 00 00 00 00 01 7F 03 01 'CURVE' 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                + " 00" + " 00".repeat(31)));
        drain(server);
        CurveKeyPair client = CurveKeyPair.generate();
        CurveKeyPair transient_ = CurveKeyPair.generate();
        byte[] hello = ByteBuffer.allocate(200).put(Hex.bytes("05 'HELLO' 01 00")).put(new byte[72])
                .put(transient_.publicKey()).putLong(1)
                .put(CryptoBox.seal(SERVER.publicKey(), transient_.secretKey(), nonce16("CurveZMQHELLO---", 1), new byte[64]))
                .array();
        server.writeInbound(Unpooled.wrappedBuffer(commandFrame(hello)));
        byte[] welcomeFrame = drain(server);
        assertThat(welcomeFrame).hasSize(2 + 168);
        byte[] w = Arrays.copyOfRange(welcomeFrame, 2, welcomeFrame.length);
        byte[] opened = CryptoBox.open(SERVER.publicKey(), transient_.secretKey(), nonce8("WELCOME-", w, 8),
                Arrays.copyOfRange(w, 24, 168));
        byte[] serverTransient = Arrays.copyOfRange(opened, 0, 32);
        byte[] cookie = Arrays.copyOfRange(opened, 32, 128);
        if (knobs.forgeCookie) {
            cookie[50] ^= 1;
        }
        byte[] vouchNonce = new byte[16];
        byte[] vouched = ByteBuffer.allocate(64)
                .put(knobs.vouchForOtherTransient ? CurveKeyPair.generate().publicKey() : transient_.publicKey())
                .put(knobs.vouchForOtherServer ? CurveKeyPair.generate().publicKey() : SERVER.publicKey()).array();
        byte[] vouch = CryptoBox.seal(serverTransient, client.secretKey(), nonce8("VOUCH---", vouchNonce, 0), vouched);
        byte[] metadata = Hex.bytes("0B 'Socket-Type' 00 00 00 03 'REQ'");
        byte[] inner = ByteBuffer.allocate(128 + metadata.length).put(client.publicKey()).put(vouchNonce).put(vouch)
                .put(metadata).array();
        byte[] box = CryptoBox.seal(serverTransient, transient_.secretKey(),
                nonce16("CurveZMQINITIATE", knobs.initiateNonce), inner);
        byte[] initiate = ByteBuffer.allocate(9 + 96 + 8 + box.length).put(Hex.bytes("08 'INITIATE'")).put(cookie)
                .putLong(knobs.initiateNonce).put(box).array();
        server.writeInbound(Unpooled.wrappedBuffer(commandFrame(initiate)));
        return server;
    }

    private static HandshakeFailed failure(EmbeddedChannel server) {
        try {
            return EmbeddedPair.recorder(server).first(HandshakeFailed.class);
        } finally {
            drain(server);
            server.finishAndReleaseAll();
        }
    }

    @Test
    void honestRawClientCompletes() throws Exception {
        EmbeddedChannel server = run(Knobs.honest());
        try {
            assertThat(EmbeddedPair.recorder(server).first(HandshakeCompleted.class).peerSocketType()).isEqualTo(SocketType.REQ);
            byte[] ready = drain(server);
            assertThat(Arrays.copyOfRange(ready, 2, 8)).isEqualTo(Hex.bytes("05 'READY'"));
        } finally {
            server.finishAndReleaseAll();
        }
    }

    @Test
    void vouchForAnotherTransientKeyIsRefused() throws Exception {
        HandshakeFailed f = failure(run(new Knobs(true, false, 2, false)));
        assertThat(f.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        assertThat(f.detail()).contains("vouch is for another transient key");
    }

    @Test
    void vouchNamingAnotherServerIsRefused() throws Exception {
        HandshakeFailed f = failure(run(new Knobs(false, true, 2, false)));
        assertThat(f.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        assertThat(f.detail()).contains("vouch names another server key");
    }

    @Test
    void initiateReusingTheHelloNonceIsRefused() throws Exception {
        HandshakeFailed f = failure(run(new Knobs(false, false, 1, false)));
        assertThat(f.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        assertThat(f.detail()).contains("INITIATE nonce 1 is not above");
    }

    @Test
    void forgedCookieIsRefused() throws Exception {
        HandshakeFailed f = failure(run(new Knobs(false, false, 2, true)));
        assertThat(f.reason()).isEqualTo(HandshakeFailed.Reason.PROTOCOL);
        assertThat(f.detail()).contains("cookie");
    }
}
