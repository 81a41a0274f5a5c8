package io.zmtp.socket.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.InboundLimits;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.MeteredAllocator;

import java.util.ArrayDeque;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ZWS decoder and the codec's frame decoder behind it, as a ws connection has them once its
 * peer is admitted: whatever a peer sends, only {@link ZmtpProtocolException}s come out, no message
 * is above a limit, the memory held stays within a bound of what was sent, and nothing from the
 * channel's allocator is held once the channel is finished. With a sink, small messages take the
 * frame decoder's offered path; without one, the translation in the read buffer.
 *
 * <p>Input layout: byte 0 picks the read size (0: all at once), byte 1's bit 0 the side (1: a
 * server, reading a client's masked frames), bit 1 a sink; the rest is the stream.
 */
class ZwsDecoderFuzzTest {
    static final InboundLimits LIMITS = new InboundLimits(4096, 1024, 8192, 16);

    @FuzzTest
    void frames(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int readSize = input[0] & 0xFF;
        boolean server = (input[1] & 1) != 0;
        boolean withSink = (input[1] & 2) != 0;
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        FrameDecoder decoder = new FrameDecoder(LIMITS, 0);
        decoder.handshakeCompleted();
        decoder.assembleMessages();
        MeteredAllocator alloc = new MeteredAllocator();
        EventRecorder rec = new EventRecorder();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc.allocator());
        ch.pipeline().addLast(new ZwsDecoder(server), decoder, rec);
        ArrayDeque<ZmtpMessage> sunk = new ArrayDeque<>();
        if (withSink) {
            decoder.deliverMessagesTo(sunk::add);
        }
        try {
            int at = 0;
            while (at < stream.length && ch.isOpen()) {
                int n = readSize == 0 ? stream.length - at : Math.min(readSize, stream.length - at);
                // A direct buffer, as a socket's read gives: the raw-memory paths run.
                ch.writeInbound(alloc.allocator().directBuffer(n).writeBytes(stream, at, n));
                at += n;
                check(ch, sunk);
                ch.releaseOutbound();
                alloc.sample();
            }
            assertThat(rec.exceptions).allMatch(ZmtpProtocolException.class::isInstance);
            // The reads, a copy of what did not fit in place (a header may grow from 2 to 9 bytes per
            // frame of at least 3), one gathered frame, and the copied bodies of what was delivered.
            assertThat(alloc.peak()).isLessThanOrEqualTo(5L * stream.length + LIMITS.maxFrameSize() + 1024);
        } finally {
            sunk.forEach(ZmtpMessage::release);
            ch.finishAndReleaseAll();
        }
        assertThat(alloc.sample()).isZero();
    }

    private static void check(EmbeddedChannel ch, ArrayDeque<ZmtpMessage> sunk) {
        Object o;
        while ((o = ch.readInbound()) != null || (o = sunk.poll()) != null) {
            try {
                if (o instanceof ZmtpMessage message) {
                    assertThat((long) message.size()).isLessThanOrEqualTo(LIMITS.maxMessageFrames());
                    assertThat(message.byteSize()).isLessThanOrEqualTo(LIMITS.maxMessageSize());
                    for (int i = 0; i < message.size(); i++) {
                        ByteBuf frame = message.frame(i);
                        assertThat((long) frame.readableBytes()).isLessThanOrEqualTo(LIMITS.maxFrameSize());
                    }
                }
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
    }
}
