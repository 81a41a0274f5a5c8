package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The staged greeting exchange, byte for byte as libzmq 4.3.4 performs it (ZMTP.md §1). */
class GreetingHandlerTest {
    /** What libzmq 4.3.4 sends with NULL and no routing id (ZMTP.md §1.1). */
    private static final byte[] LIBZMQ_NULL_GREETING = greeting();

    private static byte[] greeting() {
        byte[] g = new byte[64];
        System.arraycopy(Hex.bytes("FF 00 00 00 00 00 00 00 01 7F 03 01 'NULL'"), 0, g, 0, 16);
        return g;
    }

    private static byte[] readAllOutbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return Hex.drain(all);
    }

    @Test
    void sendsTheGreetingInThreeStagesLikeLibzmq() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.DEALER).build());
        // Stage 1: only the signature, padding = identity length + 1.
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("FF 00 00 00 00 00 00 00 01 7F"));
        // Nothing more until the peer's 10 signature bytes are in.
        ch.writeInbound(Unpooled.wrappedBuffer(LIBZMQ_NULL_GREETING, 0, 9));
        assertThat(readAllOutbound(ch)).isEmpty();
        ch.writeInbound(Unpooled.wrappedBuffer(LIBZMQ_NULL_GREETING, 9, 1));
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("03"));
        // Stage 3 after the peer's major version.
        ch.writeInbound(Unpooled.wrappedBuffer(LIBZMQ_NULL_GREETING, 10, 1));
        byte[] rest = readAllOutbound(ch);
        assertThat(rest).hasSize(53);
        assertThat(rest).isEqualTo(Arrays.copyOfRange(LIBZMQ_NULL_GREETING, 11, 64));
        // Rest of the peer's greeting: handshake starts, READY goes out.
        ch.writeInbound(Unpooled.wrappedBuffer(LIBZMQ_NULL_GREETING, 11, 53));
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes(
                "04 29 05 'READY' 0B 'Socket-Type' 00 00 00 06 'DEALER' 08 'Identity' 00 00 00 00"));
        assertThat(ch.pipeline().get(GreetingHandler.class)).isNull();
        assertThat(ch.pipeline().get(FrameDecoder.class)).isNotNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void putsTheIdentityLengthInThePaddingLikeLibzmq() {
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.DEALER).identity(Hex.bytes("'abc'")).build());
        assertThat(readAllOutbound(ch)).isEqualTo(Hex.bytes("FF 00 00 00 00 00 00 00 04 7F"));
        ch.finishAndReleaseAll();
    }

    @Test
    void ignoresPaddingAsServerAndFillerAndKeepsBytesBehindTheGreeting() {
        byte[] greeting = LIBZMQ_NULL_GREETING.clone();
        Arrays.fill(greeting, 1, 9, (byte) 0x5A);
        greeting[32] = 1;
        Arrays.fill(greeting, 33, 64, (byte) 0xEE);
        byte[] ready = Hex.bytes("04 19 05 'READY' 0B 'Socket-Type' 00 00 00 03 'SUB'");
        byte[] data = Hex.bytes("00 02 'hi'");
        ByteBuf fused = Unpooled.buffer().writeBytes(greeting).writeBytes(ready).writeBytes(data);
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.PUB).build());
        ch.writeInbound(fused);
        EventRecorder rec = EmbeddedPair.recorder(ch);
        assertThat(rec.first(io.zmtp.codec.handshake.HandshakeCompleted.class)).isNotNull();
        ZmtpMessage m = ch.readInbound();
        assertThat(m.string(0)).isEqualTo("hi");
        m.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void refusesAnotherMechanismWithoutAnErrorCommand() {
        byte[] greeting = LIBZMQ_NULL_GREETING.clone();
        System.arraycopy(Hex.bytes("'PLAIN'"), 0, greeting, 12, 5);
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.DEALER).build());
        EventRecorder rec = EmbeddedPair.recorder(ch);
        readAllOutbound(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(greeting));
        byte[] sent = readAllOutbound(ch);
        assertThat(sent).hasSize(54); // major + rest of the greeting, and no ERROR
        HandshakeFailed failed = rec.first(HandshakeFailed.class);
        assertThat(failed.reason()).isEqualTo(HandshakeFailed.Reason.MECHANISM);
        assertThat(failed.detail()).contains("'PLAIN'").contains("'NULL'");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void lowercaseMechanismNameIsAMismatch() {
        byte[] greeting = LIBZMQ_NULL_GREETING.clone();
        System.arraycopy(Hex.bytes("'null'"), 0, greeting, 12, 4);
        EmbeddedChannel ch = EmbeddedPair.channel(ZmtpConfig.builder(SocketType.DEALER).build());
        ch.writeInbound(Unpooled.wrappedBuffer(greeting));
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }
}
