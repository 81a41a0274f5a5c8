package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        FrameDecoder decoder = new FrameDecoder(-1, 0);
        EmbeddedChannel ch = new EmbeddedChannel(new ZwsDecoder(true), decoder, encoder(false));
        decoder.assembleMessages();
        return ch;
    }

    /**
     * Messages out of a ZWS decoder and the frame decoder behind it: down the pipeline, or, with a
     * sink (as a socket's peer has), handed to it, small ones offered to the frame decoder straight.
     */
    private static final class Inbound {
        final EmbeddedChannel channel;
        final ZwsDecoder zws;
        final java.util.ArrayDeque<ZmtpMessage> sunk = new java.util.ArrayDeque<>();
        private final boolean sink;

        Inbound(boolean server, boolean sink, io.netty.channel.ChannelHandler... behind) {
            this.sink = sink;
            zws = new ZwsDecoder(server);
            FrameDecoder decoder = new FrameDecoder(-1, 0);
            channel = new EmbeddedChannel(zws, decoder);
            channel.pipeline().addLast(behind);
            decoder.assembleMessages();
            if (sink) {
                decoder.deliverMessagesTo(sunk::add);
            }
        }

        ZmtpMessage next() {
            return sink ? sunk.poll() : channel.readInbound();
        }

        void finish() {
            sunk.forEach(ZmtpMessage::release);
            channel.finishAndReleaseAll();
        }
    }

    /** The codec's encoder writing ZWS framing, a client's masked. */
    private static FrameEncoder encoder(boolean masking) {
        FrameEncoder e = new FrameEncoder();
        e.envelope(new ZwsEnvelope(masking));
        return e;
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
        return io.zmtp.testing.Hex.drainOutbound(ch);
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

    @ParameterizedTest(name = "to a sink: {0}")
    @ValueSource(booleans = {false, true})
    void smallMessagesInOneReadWithAPingAmongThem(boolean sink) {
        Inbound inbound = new Inbound(true, sink, encoder(false));
        EmbeddedChannel ch = inbound.channel;
        ByteBuf in = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer();
        for (int i = 0; i < 40; i++) {
            in.writeBytes(masked(0x82, zws(i % 3 == 0 ? 1 : 0, "m" + i), MASK));
            if (i == 20) {
                in.writeBytes(masked(0x89, new byte[] {4, 2}, MASK));
            }
        }
        // The largest payload a 7-bit length holds (125: the flags byte and 124 body bytes), then one
        // cut by the end of the read.
        in.writeBytes(masked(0x82, zws(0, "x".repeat(124)), MASK));
        byte[] cut = masked(0x82, zws(0, "tail"), MASK);
        in.writeBytes(cut, 0, 5);
        ch.writeInbound(in);
        assertThat(HEX.formatHex(drainOutbound(ch))).as("PONG").isEqualTo("8a020402");
        java.util.List<String> got = new java.util.ArrayList<>();
        ZmtpMessage m;
        while ((m = inbound.next()) != null) {
            for (int f = 0; f < m.size(); f++) {
                got.add(m.string(f));
            }
            m.release();
        }
        ch.writeInbound(Unpooled.wrappedBuffer(cut, 5, cut.length - 5));
        m = inbound.next();
        got.add(m.string(0));
        m.release();
        // With a sink every small message goes to the frame decoder straight, but the one whose header
        // the read cut (and the PING, which is no message).
        assertThat(inbound.zws.handedStraight).isEqualTo(sink ? 41 : 0);
        java.util.List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("m" + i);
        }
        expected.add("x".repeat(124));
        expected.add("tail");
        assertThat(got).isEqualTo(expected);
        inbound.finish();
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
            assertThat(HEX.formatHex(drainOutbound(ch))).as(c[0] + ": CLOSE 1002 (protocol error)").isEqualTo("880203ea");
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aFragmentedMessageIsHeldToTheFrameLimitBeforeItIsGathered() {
        FrameDecoder decoder = new FrameDecoder(100, 0);
        EmbeddedChannel ch = new EmbeddedChannel(new ZwsDecoder(true), decoder, encoder(false));
        // A first fragment within the limit, then a continuation that takes the message past it.
        ch.writeInbound(Unpooled.wrappedBuffer(masked(0x02, zws(0, "x".repeat(60)), MASK)));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(masked(0x00, new byte[60], MASK))))
                .isInstanceOf(ZmtpProtocolException.class).hasMessageContaining("fragmented WebSocket message of more than 101 bytes");
        assertThat(HEX.formatHex(drainOutbound(ch))).isEqualTo("880203ea");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedAtItsHeader() {
        FrameDecoder decoder = new FrameDecoder(100, 0);
        EmbeddedChannel ch = new EmbeddedChannel(new ZwsDecoder(true), decoder);
        // Only the header and the flags byte of a frame that says it has 65,535 bytes.
        ByteBuf b = Unpooled.buffer().writeByte(0x82).writeByte(0x80 | 126).writeShort(0xffff).writeBytes(MASK)
                .writeByte(MASK[0]);
        assertThatThrownBy(() -> ch.writeInbound(b)).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("maximum frame size");
        ch.finishAndReleaseAll();
    }

    /**
     * A client's small heap bodies (every size up to 300 bytes, from an array at an odd offset) are
     * masked word by word or copied then masked; each frame is unmasked here by hand with the key it
     * carries, byte by byte, so the check does not rest on the mask code it tests.
     */
    @Test
    void aClientsSmallHeapBodiesAreMaskedWithTheKeyTheyCarry() {
        EmbeddedChannel client = new EmbeddedChannel(encoder(true));
        java.util.Random random = new java.util.Random(11);
        for (int size = 0; size <= 300; size++) {
            byte[] array = new byte[size + 7];
            random.nextBytes(array);
            client.writeAndFlush(ZmtpMessage.of(Unpooled.wrappedBuffer(array, 3, size)));
            byte[] wire = drainOutbound(client);
            assertThat(wire[0] & 0xff).isEqualTo(0x82);
            int payload = size + 1;
            int at;
            if (payload <= 125) {
                assertThat(wire[1] & 0xff).isEqualTo(0x80 | payload);
                at = 2;
            } else {
                assertThat(wire[1] & 0xff).isEqualTo(0x80 | 126);
                assertThat((wire[2] & 0xff) << 8 | wire[3] & 0xff).isEqualTo(payload);
                at = 4;
            }
            byte[] key = java.util.Arrays.copyOfRange(wire, at, at + 4);
            at += 4;
            assertThat(wire).hasSize(at + payload);
            assertThat(wire[at] ^ key[0]).as("flags byte, size %d", size).isZero();
            for (int i = 0; i < size; i++) {
                int j = 1 + i;
                assertThat((byte) (wire[at + j] ^ key[j & 3])).as("body byte %d of %d", i, size).isEqualTo(array[3 + i]);
            }
        }
        client.finishAndReleaseAll();
    }

    /**
     * A small frame's header with each ZWS flags combination: a client's seven bytes (opcode, masked
     * length, key, the flags byte masked with the key's first byte, unmasked here by hand), written
     * whole whether the buffer has exactly the room it needs or more, and a server's three.
     */
    @Test
    void smallHeadersCarryTheFlagsWhateverRoomIsLeft() {
        int[] flagsSet = {0, ZmtpFrame.FLAG_MORE, ZmtpFrame.FLAG_COMMAND,
                ZmtpFrame.FLAG_MORE | ZmtpFrame.FLAG_COMMAND};
        int[] zwsFlags = {0, 0x01, 0x02, 0x03};
        ZwsEnvelope client = new ZwsEnvelope(true);
        ZwsEnvelope server = new ZwsEnvelope(false);
        for (int f = 0; f < flagsSet.length; f++) {
            for (int room : new int[] {7, 8, 64}) {
                ByteBuf out = Unpooled.buffer(room, room);
                client.writeHeader(out, flagsSet[f], 100);
                assertThat(out.readableBytes()).as("room %d", room).isEqualTo(7);
                assertThat(out.getUnsignedByte(0)).isEqualTo((short) 0x82);
                assertThat(out.getUnsignedByte(1)).isEqualTo((short) (0x80 | 101));
                assertThat(out.getByte(6) ^ out.getByte(2)).as("flags, room %d", room).isEqualTo(zwsFlags[f]);
            }
            ByteBuf out = Unpooled.buffer(3, 3);
            server.writeHeader(out, flagsSet[f], 124);
            assertThat(HEX.formatHex(ByteBufUtil.getBytes(out))).isEqualTo(String.format("827d%02x", zwsFlags[f]));
        }
    }

    /** Our encoder as a client: every frame masked; the server's decoder reads back what was sent. */
    @Test
    void aClientsFramesAreMaskedAndReadBack() {
        EmbeddedChannel client = new EmbeddedChannel(encoder(true));
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
        // A direct body of an odd size, after a small frame that leaves the batch at an odd offset:
        // masked in batch-sized parts, each from its own place in the key.
        byte[] odd = new byte[100_003];
        new java.util.Random(7).nextBytes(odd);
        ByteBuf direct = Unpooled.directBuffer(odd.length).writeBytes(odd);
        client.writeAndFlush(ZmtpMessage.of(Unpooled.wrappedBuffer("abc".getBytes()), direct));
        server.writeInbound(Unpooled.wrappedBuffer(drainOutbound(client)));
        m = server.readInbound();
        assertThat(m.string(0)).isEqualTo("abc");
        got = new byte[odd.length];
        m.frame(1).getBytes(m.frame(1).readerIndex(), got);
        assertThat(got).isEqualTo(odd);
        m.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /**
     * Our encoder's frames, as a client (masked) and as a server (plain), read back by the other
     * side's decoder whatever the cuts between reads: every size around the WebSocket and ZMTP
     * length forms and the copy threshold, so the in-place translation, the copy a header that does
     * not fit falls back to, and the way back in place for a large body all run.
     */
    @ParameterizedTest(name = "to a sink: {0}")
    @ValueSource(booleans = {false, true})
    void everySizeRoundTripsWhateverTheCuts(boolean sink) {
        int[] sizes = {0, 1, 16, 122, 123, 124, 125, 126, 200, 255, 256, 300, 1000, 1024, 1025, 4000, 65533, 65535, 65536, 70000};
        for (boolean client : new boolean[] {true, false}) {
            for (int cut : new int[] {1, 3, 7, 64, 1000, 1 << 20}) {
                java.util.Random random = new java.util.Random(cut * 31L + (client ? 1 : 0));
                EmbeddedChannel sender = new EmbeddedChannel(encoder(client));
                java.util.List<byte[]> sent = new java.util.ArrayList<>();
                for (int round = 0; round < 2; round++) {
                    for (int size : sizes) {
                        if (cut < 64 && size > 4000) {
                            continue; // the large ones cut small would take long and show nothing new
                        }
                        byte[] a = new byte[size];
                        byte[] b = new byte[(size * 7) % 301];
                        random.nextBytes(a);
                        random.nextBytes(b);
                        sent.add(a);
                        sent.add(b);
                        // One frame from a direct buffer, one from an array: both copy paths run.
                        ByteBuf direct = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, size));
                        direct.writeBytes(a);
                        sender.write(ZmtpMessage.of(direct, Unpooled.wrappedBuffer(b)));
                    }
                }
                sender.flush();
                byte[] wire = drainOutbound(sender);
                assertThat(wire[1] & 0x80).as("mask bit, client " + client).isEqualTo(client ? 0x80 : 0);
                Inbound inbound = new Inbound(client, sink);
                EmbeddedChannel receiver = inbound.channel;
                ByteBuf in = Unpooled.wrappedBuffer(wire);
                while (in.isReadable()) {
                    int n = Math.min(in.readableBytes(), cut == 1 << 20 ? cut : 1 + random.nextInt(cut));
                    // Mostly a direct buffer, as a socket's read gives (the raw-memory paths), at times
                    // a heap one (the array paths).
                    ByteBuf part = random.nextInt(4) == 0 ? Unpooled.buffer(n)
                            : io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(n);
                    part.writeBytes(in, n);
                    receiver.writeInbound(part);
                }
                in.release();
                for (int i = 0; i < sent.size(); i += 2) {
                    ZmtpMessage m = inbound.next();
                    assertThat(m).as("message " + i / 2 + ", client " + client + ", cut " + cut).isNotNull();
                    assertThat(m.size()).isEqualTo(2);
                    assertThat(bytes(m, 0)).as("frame 0 of message " + i / 2 + ", cut " + cut).isEqualTo(sent.get(i));
                    assertThat(bytes(m, 1)).isEqualTo(sent.get(i + 1));
                    m.release();
                }
                assertThat((Object) inbound.next()).isNull();
                if (sink && cut >= 1000) {
                    assertThat(inbound.zws.handedStraight).as("small frames handed straight, cut " + cut).isPositive();
                }
                sender.finishAndReleaseAll();
                inbound.finish();
            }
        }
    }

    private static byte[] bytes(ZmtpMessage m, int frame) {
        ByteBuf b = m.frame(frame);
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }
}
