package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.testing.EmbeddedPair;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One multipart message may hold at most {@code maxMessageFrames} frames and
 * {@code maxMessageSize} bytes, in the frame decoder's own assembly (NULL, PLAIN) and in the
 * assembler behind CURVE (hostile-input finding E: a message of empty MORE frames that never
 * ends used to grow the heap without bound).
 */
class MessageLimitsTest {
    /** A libzmq-style NULL greeting followed by READY from a PUSH. */
    private static final byte[] PUSH_OPENING = opening();

    private static byte[] opening() {
        byte[] greeting = new byte[64];
        System.arraycopy(Hex.bytes("FF 00 00 00 00 00 00 00 01 7F 03 01 'NULL'"), 0, greeting, 0, 16);
        byte[] ready = Hex.bytes("04 1A 05 'READY' 0B 'Socket-Type' 00 00 00 04 'PUSH'");
        byte[] out = new byte[greeting.length + ready.length];
        System.arraycopy(greeting, 0, out, 0, 64);
        System.arraycopy(ready, 0, out, 64, ready.length);
        return out;
    }

    /** A PULL whose handshake with a PUSH is done, holding messages to {@code config}'s limits. */
    private static EmbeddedChannel pullAfterHandshake(ZmtpConfig config) {
        EmbeddedChannel ch = EmbeddedPair.channel(config);
        ch.writeInbound(Unpooled.wrappedBuffer(PUSH_OPENING));
        assertThat(EmbeddedPair.recorder(ch).first(HandshakeCompleted.class)).isNotNull();
        return ch;
    }

    private static void finish(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        while ((o = ch.readInbound()) != null) {
            ReferenceCountUtil.release(o);
        }
        ch.finishAndReleaseAll();
    }

    private static ZmtpProtocolException onlyException(EmbeddedChannel ch) {
        List<Throwable> exceptions = EmbeddedPair.recorder(ch).exceptions;
        assertThat(exceptions).hasSize(1);
        assertThat(exceptions.get(0)).isInstanceOf(ZmtpProtocolException.class);
        return (ZmtpProtocolException) exceptions.get(0);
    }

    @Test
    void aNeverEndingMessageOfEmptyFramesIsCutAtTheDefaultFrameLimit() {
        EmbeddedChannel ch = pullAfterHandshake(ZmtpConfig.builder(SocketType.PULL).build());
        byte[] chunk = new byte[2 * 16 * 1024];
        for (int i = 0; i < chunk.length; i += 2) {
            chunk[i] = ZmtpFrame.FLAG_MORE;
        }
        long frames = 0;
        while (ch.isOpen() && frames < 10 * ZmtpConfig.DEFAULT_MAX_MESSAGE_FRAMES) {
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
            frames += chunk.length / 2;
        }
        assertThat(ch.isOpen()).as("closed after %d empty MORE frames", frames).isFalse();
        assertThat(frames).isLessThanOrEqualTo(ZmtpConfig.DEFAULT_MAX_MESSAGE_FRAMES + chunk.length / 2);
        assertThat(onlyException(ch)).hasMessageContaining("65536").hasMessageContaining("maxMessageFrames");
        assertThat((Object) ch.readInbound()).as("nothing of the message is delivered").isNull();
        finish(ch);
    }

    @Test
    void theFrameDecoderRefusesAtTheHeaderAndReleasesWhatItAssembled() {
        ZmtpConfig config = ZmtpConfig.builder(SocketType.PULL).maxMessageSize(10_000).build();

        // Exactly the limit: five 2000-byte frames (retained slices of the read buffer) arrive whole.
        EmbeddedChannel atLimit = pullAfterHandshake(config);
        ByteBuf five = frames(5, 2000, false);
        atLimit.writeInbound(five);
        ZmtpMessage message = atLimit.readInbound();
        assertThat(message.size()).isEqualTo(5);
        assertThat(message.byteSize()).isEqualTo(10_000);
        message.release();
        assertThat(atLimit.isOpen()).isTrue();
        finish(atLimit);

        // One frame more: refused at its header, before its body; the five slices are released.
        EmbeddedChannel above = pullAfterHandshake(config);
        CloseLater closeLater = new CloseLater();
        above.pipeline().addFirst(closeLater);
        ByteBuf fivePlusHeader = frames(5, 2000, true).writeByte(ZmtpFrame.FLAG_LONG).writeLong(1);
        fivePlusHeader.retain();
        above.writeInbound(fivePlusHeader);
        assertThat(closeLater.asked).isTrue();
        assertThat(onlyException(above)).hasMessageContaining("10001").hasMessageContaining("10000")
                .hasMessageContaining("maxMessageSize").hasMessageContaining("at inbound byte " + (PUSH_OPENING.length + 5 * 2009));
        assertThat(fivePlusHeader.refCnt()).as("no slice of the read buffer is held, before the channel is closed")
                .isEqualTo(1);
        fivePlusHeader.release();
        above.pipeline().remove(closeLater);
        above.close();
        finish(above);
    }

    /**
     * Holds a close back, as a real channel goes on with the rest of a read already under way, so a
     * test can see what a handler released when it failed rather than when the pipeline was torn down.
     */
    private static final class CloseLater extends ChannelOutboundHandlerAdapter {
        boolean asked;

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            asked = true;
        }
    }

    /** {@code count} LONG frames of {@code size} bytes, all with MORE when {@code moreOnLast}, else all but the last. */
    private static ByteBuf frames(int count, int size, boolean moreOnLast) {
        ByteBuf out = Unpooled.directBuffer();
        for (int i = 0; i < count; i++) {
            boolean more = moreOnLast || i < count - 1;
            out.writeByte(ZmtpFrame.FLAG_LONG | (more ? ZmtpFrame.FLAG_MORE : 0)).writeLong(size).writeZero(size);
        }
        return out;
    }

    @Test
    void theFrameDecoderCountsFramesAndStartsAfreshWithEachMessage() {
        ZmtpConfig config = ZmtpConfig.builder(SocketType.PULL).maxMessageFrames(3).build();
        EmbeddedChannel ch = pullAfterHandshake(config);
        ch.writeInbound(Hex.buf("01 01 'a' 01 01 'b' 00 01 'c'  01 01 'd' 01 00 00 01 'f'"));
        for (int i = 0; i < 2; i++) {
            ZmtpMessage m = ch.readInbound();
            assertThat(m.size()).isEqualTo(3);
            m.release();
        }
        ch.writeInbound(Hex.buf("01 01 'a' 01 01 'b' 01 01 'c' 00 01 'd'"));
        assertThat(ch.isOpen()).isFalse();
        assertThat(onlyException(ch)).hasMessageContaining("more than 3 frames").hasMessageContaining("maxMessageFrames");
        assertThat((Object) ch.readInbound()).isNull();
        finish(ch);
    }

    @Test
    void theAssemblerBehindCurveRefusesTheFrameThatExceedsALimitAndEverythingAfter() {
        EventRecorder rec = new EventRecorder();
        CloseLater closeLater = new CloseLater();
        EmbeddedChannel ch = new EmbeddedChannel(closeLater,
                new MessageAssembler(new InboundLimits(-1, -1, 10, 3)), rec);
        List<ByteBuf> bodies = new ArrayList<>();
        for (String s : new String[] {"ab", "cd"}) {
            ByteBuf b = Unpooled.copiedBuffer(s, java.nio.charset.StandardCharsets.US_ASCII);
            bodies.add(b);
            ch.writeInbound(ZmtpFrame.message(b, true));
        }
        ByteBuf tooBig = Unpooled.wrappedBuffer(new byte[7]);
        ch.writeInbound(ZmtpFrame.message(tooBig, false));
        assertThat(closeLater.asked).isTrue();
        assertThat(rec.exceptions).singleElement().isInstanceOf(ZmtpProtocolException.class)
                .extracting(Throwable::getMessage).asString().contains("11").contains("maxMessageSize");
        assertThat(bodies).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(tooBig.refCnt()).isZero();
        assertThat((Object) ch.readInbound()).isNull();

        ByteBuf late = Unpooled.wrappedBuffer(new byte[1]);
        ch.writeInbound(ZmtpFrame.message(late, false));
        assertThat(late.refCnt()).as("frames after the failure are released").isZero();
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(rec.exceptions).hasSize(1);
        ch.pipeline().remove(closeLater);
        ch.finishAndReleaseAll();

        EventRecorder rec2 = new EventRecorder();
        EmbeddedChannel counted = new EmbeddedChannel(new MessageAssembler(new InboundLimits(-1, -1, -1, 3)), rec2);
        for (int i = 0; i < 4; i++) {
            counted.writeInbound(ZmtpFrame.message(Unpooled.EMPTY_BUFFER, true));
        }
        assertThat(counted.isOpen()).isFalse();
        assertThat(rec2.exceptions).singleElement().extracting(Throwable::getMessage).asString()
                .contains("more than 3 frames").contains("maxMessageFrames");
        counted.finishAndReleaseAll();
    }

    @Test
    void aNeverEndingMessageOverCurveIsCutAtTheFrameLimit() {
        CurveKeyPair server = CurveKeyPair.generate();
        ZmtpConfig push = ZmtpConfig.builder(SocketType.PUSH).curveClient(server.publicKey(), CurveKeyPair.generate()).build();
        ZmtpConfig pull = ZmtpConfig.builder(SocketType.PULL).curveServer(server).maxMessageFrames(1000).build();
        try (EmbeddedPair pair = new EmbeddedPair(push, pull)) {
            pair.pump();
            assertThat(pair.events(pair.b).first(HandshakeCompleted.class)).isNotNull();
            // The frame decoder opens each box and assembles: the limits are its to enforce.
            assertThat(pair.b.pipeline().get(MessageAssembler.class)).isNull();
            assertThat(pair.b.pipeline().get(FrameDecoder.class).assemblesMessages()).isTrue();
            // A full message at the limit arrives.
            for (int i = 0; i < 1000; i++) {
                pair.a.write(ZmtpFrame.message(Unpooled.EMPTY_BUFFER, i < 999));
            }
            pair.a.flush();
            pair.pump();
            ZmtpMessage whole = pair.b.readInbound();
            assertThat(whole.size()).isEqualTo(1000);
            whole.release();
            // Then empty MORE frames that never end.
            for (int i = 0; i < 5000 && pair.b.isActive(); i++) {
                pair.a.writeAndFlush(ZmtpFrame.message(Unpooled.EMPTY_BUFFER, true));
                if (i % 100 == 0) {
                    pair.pump();
                }
            }
            pair.pump();
            assertThat(pair.b.isOpen()).isFalse();
            assertThat(pair.events(pair.b).exceptions).singleElement().isInstanceOf(ZmtpProtocolException.class)
                    .extracting(Throwable::getMessage).asString().contains("more than 1000 frames");
            assertThat((Object) pair.b.readInbound()).isNull();
        }
    }

    @Test
    void defaultsAndCarelessSettings() {
        ZmtpConfig defaults = ZmtpConfig.builder(SocketType.PULL).build();
        assertThat(defaults.maxMessageFrames()).isEqualTo(65_536);
        assertThat(defaults.maxMessageSize()).isEqualTo(FrameDecoder.MAX_FRAME_SIZE);
        assertThat(defaults.inboundLimits()).isEqualTo(new InboundLimits(-1, 64 * 1024, FrameDecoder.MAX_FRAME_SIZE, 65_536));
        assertThat(ZmtpConfig.builder(SocketType.PULL).maxMessageSize(-1).maxMessageFrames(-1).build().inboundLimits())
                .isEqualTo(new InboundLimits(-1, 64 * 1024, -1, -1));
        assertThatThrownBy(() -> ZmtpConfig.builder(SocketType.PULL).maxMessageFrames(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageFrames");
        assertThatThrownBy(() -> ZmtpConfig.builder(SocketType.PULL).maxMessageSize(-2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageSize");
    }
}
