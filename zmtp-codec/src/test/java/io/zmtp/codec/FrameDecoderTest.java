package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameDecoderTest {
    private final EventRecorder rec = new EventRecorder();

    private EmbeddedChannel decoder(long maxFrameSize) {
        return new EmbeddedChannel(new FrameDecoder(maxFrameSize, 0), rec);
    }

    private static List<ZmtpFrame> readAll(EmbeddedChannel ch) {
        List<ZmtpFrame> frames = new ArrayList<>();
        ZmtpFrame f;
        while ((f = ch.readInbound()) != null) {
            frames.add(f);
        }
        return frames;
    }

    @Test
    void decodesShortLongAndCommandFramesByteExact() {
        EmbeddedChannel ch = decoder(-1);
        byte[] big = new byte[300];
        big[0] = 1;
        big[299] = 2;
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(Hex.bytes("01 03 'abc' 00 00"));
        in.writeBytes(Hex.bytes("02 00 00 00 00 00 00 01 2C")).writeBytes(big);
        in.writeBytes(Hex.bytes("04 07 04 'PING' 00 0F"));
        ch.writeInbound(in);
        List<ZmtpFrame> frames = readAll(ch);
        assertThat(frames).hasSize(4);
        assertThat(frames.get(0).more()).isTrue();
        assertThat(Hex.drain(frames.get(0).content())).isEqualTo(Hex.bytes("'abc'"));
        assertThat(frames.get(1).more()).isFalse();
        assertThat(frames.get(1).content().readableBytes()).isZero();
        frames.get(1).release();
        assertThat(frames.get(2).isCommand()).isFalse();
        assertThat(Hex.drain(frames.get(2).content())).isEqualTo(big);
        assertThat(frames.get(3).isCommand()).isTrue();
        assertThat(Hex.drain(frames.get(3).content())).isEqualTo(Hex.bytes("04 'PING' 00 0F"));
        ch.finishAndReleaseAll();
    }

    @Test
    void acceptsLongFormForSmallFramesAndIgnoresReservedBits() {
        EmbeddedChannel ch = decoder(-1);
        ch.writeInbound(Hex.buf("FB 00 00 00 00 00 00 00 02 'hi'  FC 01 'x'"));
        ZmtpFrame first = ch.readInbound();
        assertThat(first.more()).isTrue();
        assertThat(first.isCommand()).isFalse();
        assertThat(Hex.drain(first.content())).isEqualTo(Hex.bytes("'hi'"));
        ZmtpFrame second = ch.readInbound();
        assertThat(second.isCommand()).isTrue();
        assertThat(Hex.drain(second.content())).isEqualTo(Hex.bytes("'x'"));
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void decodesAcrossEveryByteBoundary() {
        byte[] stream = Hex.bytes("01 02 'ab' 02 00 00 00 00 00 00 00 03 'xyz' 04 05 04 'PONG'");
        for (int split = 0; split <= stream.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(stream, split, stream.length - split));
            List<ZmtpFrame> frames = readAll(ch);
            assertThat(frames).as("split at %d", split).hasSize(3);
            assertThat(Hex.drain(frames.get(0).content())).isEqualTo(Hex.bytes("'ab'"));
            assertThat(Hex.drain(frames.get(1).content())).isEqualTo(Hex.bytes("'xyz'"));
            assertThat(frames.get(2).isCommand()).isTrue();
            frames.get(2).release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void decodesOneByteAtATime() {
        byte[] stream = Hex.bytes("01 02 'ab' 00 01 'c'");
        EmbeddedChannel ch = decoder(-1);
        for (byte b : stream) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<ZmtpFrame> frames = readAll(ch);
        assertThat(frames).hasSize(2);
        frames.forEach(ZmtpFrame::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void noReadBufferOutlivesItsReadWhenAFrameOrAHeaderIsCutShort() {
        // A body cut by the end of a read, then a LONG header cut after 5 of its 9 bytes: the
        // decoder keeps both in buffers of its own and lets every read buffer go at once.
        EmbeddedChannel ch = decoder(-1);
        int size = 3 * FrameDecoder.COPY_THRESHOLD;
        ByteBuf first = Unpooled.directBuffer().writeByte(0x00).writeByte(200).writeZero(100);
        ch.writeInbound(first);
        assertThat(first.refCnt()).as("a short body cut by the read").isZero();
        ByteBuf second = Unpooled.directBuffer().writeZero(100).writeBytes(new byte[] {0x02, 0, 0, 0, 0});
        ch.writeInbound(second);
        assertThat(second.refCnt()).as("a header cut by the read").isZero();
        ByteBuf third = Unpooled.directBuffer().writeInt(size).writeZero(size / 2);
        ch.writeInbound(third);
        assertThat(third.refCnt()).as("a long body cut by the read").isZero();
        assertThat(readAll(ch)).hasSize(1).allSatisfy(f -> {
            assertThat(f.content().readableBytes()).isEqualTo(200);
            f.release();
        });
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[size - size / 2]));
        assertThat(readAll(ch)).hasSize(1).allSatisfy(f -> {
            assertThat(f.content().readableBytes()).isEqualTo(size);
            f.release();
        });
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aDeclaredSizeIsNotAllocatedBeforeItsBytesArrive() {
        // No frame limit: a header declaring 1 GiB gets a gathering buffer the size of what came.
        EmbeddedChannel ch = decoder(-1);
        ch.writeInbound(Unpooled.buffer().writeByte(0x02).writeLong(1L << 30).writeZero(10));
        FrameDecoder d = ch.pipeline().get(FrameDecoder.class);
        assertThat(d.pendingCapacity()).isLessThanOrEqualTo(FrameDecoder.PENDING_START);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[3 * FrameDecoder.PENDING_START]));
        assertThat(d.pendingCapacity()).as("grown with the bytes, not to the declared size")
                .isGreaterThanOrEqualTo(3 * FrameDecoder.PENDING_START + 10).isLessThan(16 * FrameDecoder.PENDING_START);
        ch.finishAndReleaseAll();
        assertThat(d.pendingCapacity()).as("released when the channel closes").isZero();
    }

    @Test
    void largeBodiesAreSlicesOfTheReadBufferNotCopies() {
        EmbeddedChannel ch = decoder(-1);
        int size = FrameDecoder.COPY_THRESHOLD + 1;
        ByteBuf in = Unpooled.directBuffer().writeByte(0x02).writeLong(size).writeZero(size);
        ch.writeInbound(in);
        ZmtpFrame frame = ch.readInbound();
        assertThat(frame.content().readableBytes()).isEqualTo(size);
        assertThat(frame.content().unwrap()).as("a slice of the read buffer").isNotNull();
        assertThat(in.refCnt()).as("the slice holds the read buffer").isEqualTo(1);
        frame.release();
        assertThat(in.refCnt()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void smallBodiesAreCopiesThatDoNotHoldTheReadBuffer() {
        EmbeddedChannel ch = decoder(-1);
        int size = FrameDecoder.COPY_THRESHOLD;
        ByteBuf in = Unpooled.directBuffer().writeByte(0x02).writeLong(size).writeZero(size)
                .writeBytes(Hex.bytes("00 04 'data'"));
        ch.writeInbound(in);
        ZmtpFrame big = ch.readInbound();
        ZmtpFrame small = ch.readInbound();
        assertThat(in.refCnt()).as("the read buffer is released once decoded").isZero();
        assertThat(big.content().readableBytes()).isEqualTo(size);
        assertThat(big.content().unwrap()).isNull();
        assertThat(small.content().toString(StandardCharsets.US_ASCII)).isEqualTo("data");
        big.release();
        small.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void assemblesMessagesOnceToldAndStopsAfterEachCommand() {
        FrameDecoder decoder = new FrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        // A command, then a 2-frame and a 1-frame message in the same read.
        ch.writeInbound(Hex.buf("04 06 05 'READY' 01 01 'a' 00 01 'b' 00 01 'c'"));
        ZmtpFrame command = ch.readInbound();
        assertThat(command.isCommand()).isTrue();
        command.release();
        // Without assembly the frames come one by one.
        ZmtpFrame a = ch.readInbound();
        assertThat(a.more()).isTrue();
        a.release();
        ((ZmtpFrame) ch.readInbound()).release();
        ((ZmtpFrame) ch.readInbound()).release();

        decoder.assembleMessages();
        ch.writeInbound(Hex.buf("01 01 'a' 00 01 'b' 00 01 'c' 04 05 04 'PING' 01 02 'xy'"));
        ZmtpMessage ab = ch.readInbound();
        assertThat(ab.size()).isEqualTo(2);
        assertThat(ab.string(0) + ab.string(1)).isEqualTo("ab");
        ab.release();
        ZmtpMessage c = ch.readInbound();
        assertThat(c.size()).isEqualTo(1);
        c.release();
        ZmtpFrame ping = ch.readInbound();
        assertThat(ping.isCommand()).isTrue();
        ping.release();
        assertThat((Object) ch.readInbound()).as("a message missing its last frame is held back").isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void aSinkTakesWholeMessagesAndCommandsStayInOrderOnThePipeline() {
        FrameDecoder decoder = new FrameDecoder();
        List<String> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                ZmtpFrame f = (ZmtpFrame) msg;
                seen.add("command " + f.content().toString(StandardCharsets.US_ASCII).substring(1));
                f.release();
            }
        });
        decoder.assembleMessages();
        decoder.deliverMessagesTo(m -> {
            StringBuilder sb = new StringBuilder("message ");
            for (int i = 0; i < m.size(); i++) {
                sb.append(m.string(i));
            }
            seen.add(sb.toString());
            m.release();
        });
        ch.writeInbound(Hex.buf("01 01 'a' 00 01 'b' 04 05 04 'PING' 00 01 'c' 04 05 04 'PONG' 01 01 'd'"));
        ch.writeInbound(Hex.buf("00 01 'e'"));
        assertThat(seen).containsExactly("message ab", "command PING", "message c", "command PONG", "message de");
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    /** A frame offered by a handler in front (as ZWS's decoder does): its body comes from {@code text}. */
    private static boolean offer(FrameDecoder decoder, int flags, String text) {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        return decoder.offerMessageFrame(flags, body.length, (into, size) -> {
            assertThat(size).isEqualTo(body.length);
            assertThat(into.writableBytes()).isGreaterThanOrEqualTo(size);
            into.writeBytes(body);
        });
    }

    @Test
    void offeredFramesJoinTheDecodedOnesInOrderOnlyWhenNothingWaits() {
        FrameDecoder decoder = new FrameDecoder(new InboundLimits(1000, -1, -1, 3), 0);
        List<String> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, rec);
        assertThat(decoder.takesOfferedFrames()).as("in the handshake, no sink").isFalse();
        assertThat(offer(decoder, 0, "early")).isFalse();
        decoder.handshakeCompleted();
        decoder.assembleMessages();
        assertThat(offer(decoder, 0, "no sink yet")).isFalse();
        decoder.deliverMessagesTo(m -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < m.size(); i++) {
                sb.append(i == 0 ? "" : "|").append(m.string(i));
            }
            seen.add(sb.toString());
            m.release();
        });
        assertThat(decoder.takesOfferedFrames()).isTrue();
        // A message begun in bytes and ended by offers, then one offered whole, then one in bytes.
        ch.writeInbound(Hex.buf("01 01 'a'"));
        assertThat(offer(decoder, ZmtpFrame.FLAG_MORE, "b")).isTrue();
        assertThat(offer(decoder, 0, "")).isTrue();
        assertThat(offer(decoder, 0, "whole")).isTrue();
        ch.writeInbound(Hex.buf("00 01 'z'"));
        assertThat(seen).containsExactly("a|b|", "whole", "z");
        // A command is never taken; nor a frame while one cut by a read waits, nor a frame too many.
        assertThat(offer(decoder, ZmtpFrame.FLAG_COMMAND, "\4PING")).isFalse();
        ch.writeInbound(Hex.buf("00 03 'ab'"));
        assertThat(offer(decoder, 0, "behind a cut frame")).isFalse();
        ch.writeInbound(Hex.buf("'c'"));
        assertThat(offer(decoder, ZmtpFrame.FLAG_MORE, "1")).isTrue();
        assertThat(offer(decoder, ZmtpFrame.FLAG_MORE, "2")).isTrue();
        assertThat(offer(decoder, ZmtpFrame.FLAG_MORE, "3")).isTrue();
        assertThat(offer(decoder, 0, "4: over maxMessageFrames")).as("refused here, to be refused as bytes").isFalse();
        assertThat(seen).containsExactly("a|b|", "whole", "z", "abc");
        // The same frame as bytes breaks the limit the usual way.
        ch.writeInbound(Hex.buf("00 01 '4'"));
        assertThat(rec.exceptions).singleElement().asString().contains("maxMessageFrames");
        assertThat(ch.isOpen()).isFalse();
        assertThat(decoder.takesOfferedFrames()).as("failed").isFalse();
        ch.finishAndReleaseAll();
    }

    /** A sink's own message class, as a socket layer makes it. */
    private static final class Own extends ZmtpMessage {
        Own(List<ByteBuf> frames) {
            for (ByteBuf f : frames) {
                appendFrame(f);
            }
        }
    }

    @Test
    void aSinkMakesTheMessagesItIsHanded() {
        FrameDecoder decoder = new FrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        decoder.assembleMessages();
        List<ZmtpMessage> sunk = new ArrayList<>();
        decoder.deliverMessagesTo(new MessageSink() {
            @Override
            public void message(ZmtpMessage message) {
                sunk.add(message);
            }

            @Override
            public ZmtpMessage newMessage(ByteBuf frame) {
                return new Own(List.of(frame));
            }

            @Override
            public ZmtpMessage newMessage(List<ByteBuf> frames) {
                return new Own(frames);
            }
        });
        ch.writeInbound(Hex.buf("00 01 'a' 01 01 'b' 01 00 00 01 'c'"));
        assertThat(sunk).hasSize(2).allSatisfy(m -> assertThat(m).isInstanceOf(Own.class));
        assertThat(sunk.get(0).string(0)).isEqualTo("a");
        assertThat(sunk.get(1).size()).isEqualTo(3);
        assertThat(sunk.get(1).string(2)).isEqualTo("c");
        sunk.forEach(ZmtpMessage::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void aSinkIsRefusedWhileTheDecoderEmitsFrames() {
        FrameDecoder decoder = new FrameDecoder();
        assertThat(decoder.assemblesMessages()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> decoder.deliverMessagesTo(ZmtpMessage::release))
                .isInstanceOf(IllegalStateException.class);
        decoder.deliverMessagesTo(null);
    }

    @Test
    void withAutoReadOffMessagesTakenByASinkDoNotAskForAnotherRead() {
        FrameDecoder decoder = new FrameDecoder();
        int[] reads = {0};
        EmbeddedChannel ch = new EmbeddedChannel(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void read(io.netty.channel.ChannelHandlerContext ctx) {
                reads[0]++;
                ctx.read();
            }
        }, decoder);
        decoder.assembleMessages();
        List<ZmtpMessage> sunk = new ArrayList<>();
        decoder.deliverMessagesTo(sunk::add);
        ch.config().setAutoRead(false);
        int before = reads[0];
        ch.writeInbound(Hex.buf("00 01 'a' 00 01 'b'"));
        assertThat(sunk).hasSize(2);
        assertThat(reads[0]).as("a socket at its receive HWM stays stopped").isEqualTo(before);
        // A read that brought only part of a frame still asks for more (nothing else would).
        ch.writeInbound(Hex.buf("00 05 'ab'"));
        assertThat(reads[0]).isEqualTo(before + 1);
        sunk.forEach(ZmtpMessage::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void aMessageCutShortIsReleasedWithTheDecoder() {
        FrameDecoder decoder = new FrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        decoder.assembleMessages();
        ByteBuf big = Unpooled.directBuffer().writeByte(0x03).writeLong(FrameDecoder.COPY_THRESHOLD + 1)
                .writeZero(FrameDecoder.COPY_THRESHOLD + 1);
        ch.writeInbound(big);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(big.refCnt()).as("the first frame holds the read buffer").isEqualTo(1);
        ch.pipeline().remove(decoder);
        assertThat(big.refCnt()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void refusesAFrameAboveTheLimitBeforeBufferingIt() {
        EmbeddedChannel ch = decoder(1024);
        ch.writeInbound(Hex.buf("02 00 00 00 00 00 00 04 01 00 00"));
        assertThat(rec.exceptions).hasSize(1);
        assertThat(rec.exceptions.get(0)).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("1025").hasMessageContaining("1024").hasMessageContaining("at inbound byte 0");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void refusesASizeWithTheTopBitSet() {
        EmbeddedChannel ch = decoder(-1);
        ch.writeInbound(Hex.buf("00 01 'a' 02 80 00 00 00 00 00 00 00"));
        assertThat(rec.exceptions).hasSize(1);
        assertThat(rec.exceptions.get(0)).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("9223372036854775808").hasMessageContaining("at inbound byte 3");
        ZmtpFrame ok = ch.readInbound();
        ok.release();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void holdsEveryFrameToTheHandshakeLimitUntilTheHandshakeCompletes() {
        FrameDecoder decoder = new FrameDecoder(new InboundLimits(-1, 1024, -1, -1), 0);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, rec);
        ch.writeInbound(Hex.buf("04 06 05 'READY'"));
        ((ZmtpFrame) ch.readInbound()).release();
        decoder.handshakeCompleted();
        ByteBuf big = Unpooled.buffer().writeByte(0x02).writeLong(1025).writeZero(1025);
        ch.writeInbound(big);
        ZmtpFrame after = ch.readInbound();
        assertThat(after.content().readableBytes()).as("past the handshake, the limit is gone").isEqualTo(1025);
        after.release();
        ch.finishAndReleaseAll();

        EventRecorder duringRec = new EventRecorder();
        EmbeddedChannel during = new EmbeddedChannel(new FrameDecoder(new InboundLimits(-1, 1024, -1, -1), 64), duringRec);
        during.writeInbound(Hex.buf("06 00 00 00 00 00 00 04 01"));
        assertThat(duringRec.exceptions).hasSize(1);
        assertThat(duringRec.exceptions.get(0)).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("1025").hasMessageContaining("maxHandshakeFrameSize")
                .hasMessageContaining("at inbound byte 64");
        assertThat(during.isOpen()).isFalse();
        during.finishAndReleaseAll();
    }
}
