package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ZWS frame handlers on an {@link EmbeddedChannel}: WebSocket frames in, the codec's frame
 * decoder behind them (its messages out); the codec's encoder in front, WebSocket frames out.
 * Masking both ways, fragmented messages, control frames, and what breaks the protocol.
 */
class ZwsCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** A server's inbound side: client frames (masked) in, assembled messages out. */
    private static EmbeddedChannel server() {
        ZwsEncoder encoder = new ZwsEncoder(false);
        FrameDecoder decoder = new FrameDecoder(-1, 0);
        EmbeddedChannel ch = new EmbeddedChannel(new ZwsDecoder(true, encoder), encoder, decoder);
        decoder.assembleMessages();
        return ch;
    }

    private static byte[] masked(int first, byte[] payload, byte[] mask) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(first);
        if (payload.length <= 125) {
            b.writeByte(0x80 | payload.length);
        } else {
            b.writeByte(0x80 | 126).writeShort(payload.length);
        }
        b.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            b.writeByte(payload[i] ^ mask[i & 3]);
        }
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static final byte[] MASK = {(byte) 0xa1, 0x52, 0x13, (byte) 0xf4};

    private static byte[] zws(int flags, String body) {
        byte[] text = body.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] p = new byte[text.length + 1];
        p[0] = (byte) flags;
        System.arraycopy(text, 0, p, 1, text.length);
        return p;
    }

    private static byte[] drainOutbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        return out;
    }

    @Test
    void maskedClientFramesBecomeMessagesWhateverTheCuts() {
        EmbeddedChannel ch = server();
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(masked(0x82, zws(1, "first"), MASK));
        in.writeBytes(masked(0x82, zws(0, "second part"), MASK));
        byte[] big = new byte[3000];
        new java.util.Random(3).nextBytes(big);
        byte[] bigPayload = new byte[3001];
        System.arraycopy(big, 0, bigPayload, 1, 3000);
        in.writeBytes(masked(0x82, bigPayload, MASK));
        // Byte by byte: every header and mask position cut.
        while (in.isReadable()) {
            ch.writeInbound(in.readRetainedSlice(Math.min(in.readableBytes(), 7)));
        }
        in.release();
        ZmtpMessage two = ch.readInbound();
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.string(0)).isEqualTo("first");
        assertThat(two.string(1)).isEqualTo("second part");
        two.release();
        ZmtpMessage large = ch.readInbound();
        byte[] got = new byte[3000];
        large.frame(0).getBytes(large.frame(0).readerIndex(), got);
        assertThat(got).isEqualTo(big);
        large.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aFragmentedMessageIsGatheredAndControlFramesAnswered() {
        EmbeddedChannel ch = server();
        ch.writeInbound(Unpooled.wrappedBuffer(masked(0x02, zws(0, "frag"), MASK)));
        ch.writeInbound(Unpooled.wrappedBuffer(masked(0x89, new byte[] {7, 8}, MASK))); // PING inside it
        assertThat(HEX.formatHex(drainOutbound(ch))).as("PONG with the PING's payload").isEqualTo("8a020708");
        ch.writeInbound(Unpooled.wrappedBuffer(masked(0x80, "mented".getBytes(java.nio.charset.StandardCharsets.US_ASCII), MASK)));
        ZmtpMessage m = ch.readInbound();
        assertThat(m.string(0)).isEqualTo("fragmented");
        m.release();
        ch.writeInbound(Unpooled.wrappedBuffer(masked(0x88, new byte[] {0x03, (byte) 0xe8}, MASK)));
        assertThat(HEX.formatHex(drainOutbound(ch))).as("CLOSE echoed with its status").isEqualTo("880203e8");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void protocolBreaksCloseTheConnection() {
        String[][] cases = {
                {"unmasked client frame", "8202" + "0061"},
                {"text message", HEX.formatHex(masked(0x81, zws(0, "x"), MASK))},
                {"reserved bit", HEX.formatHex(masked(0xc2, zws(0, "x"), MASK))},
                {"empty message", HEX.formatHex(masked(0x82, new byte[0], MASK))},
                {"unknown ZWS flag", HEX.formatHex(masked(0x82, zws(4, "x"), MASK))},
                {"continuation without a message", HEX.formatHex(masked(0x80, zws(0, "x"), MASK))},
                {"long control frame", HEX.formatHex(masked(0x89, new byte[126], MASK))},
        };
        for (String[] c : cases) {
            EmbeddedChannel ch = server();
            assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(c[1]))))
                    .as(c[0]).isInstanceOf(ZmtpProtocolException.class);
            assertThat(ch.isOpen()).as(c[0]).isFalse();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedAtItsHeader() {
        ZwsEncoder encoder = new ZwsEncoder(false);
        FrameDecoder decoder = new FrameDecoder(100, 0);
        EmbeddedChannel ch = new EmbeddedChannel(new ZwsDecoder(true, encoder), encoder, decoder);
        // Only the header and the flags byte of a frame that says it has 65,535 bytes.
        ByteBuf b = Unpooled.buffer().writeByte(0x82).writeByte(0x80 | 126).writeShort(0xffff).writeBytes(MASK)
                .writeByte(MASK[0]);
        assertThatThrownBy(() -> ch.writeInbound(b)).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("maximum frame size");
        ch.finishAndReleaseAll();
    }

    /** Our encoder as a client: every frame masked; the server's decoder reads back what was sent. */
    @Test
    void aClientsFramesAreMaskedAndReadBack() {
        EmbeddedChannel client = new EmbeddedChannel(new ZwsEncoder(true), new FrameEncoder());
        byte[] big = new byte[70_000];
        new java.util.Random(5).nextBytes(big);
        client.writeAndFlush(ZmtpMessage.of(Unpooled.wrappedBuffer("head".getBytes()), Unpooled.wrappedBuffer(big)));
        byte[] wire = drainOutbound(client);
        assertThat(wire[0] & 0xff).isEqualTo(0x82);
        assertThat(wire[1] & 0x80).as("mask bit").isEqualTo(0x80);
        EmbeddedChannel server = server();
        server.writeInbound(Unpooled.wrappedBuffer(wire));
        ZmtpMessage m = server.readInbound();
        assertThat(m.string(0)).isEqualTo("head");
        byte[] got = new byte[big.length];
        m.frame(1).getBytes(m.frame(1).readerIndex(), got);
        assertThat(got).isEqualTo(big);
        m.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }
}
