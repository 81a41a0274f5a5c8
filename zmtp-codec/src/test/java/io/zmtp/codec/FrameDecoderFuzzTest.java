package io.zmtp.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.testing.EventRecorder;
import io.zmtp.testing.MeteredAllocator;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame decoder on its own, in the handshake or past it, assembling or not, with small
 * limits: whatever the bytes, only {@link ZmtpProtocolException}s come out, no frame or message it
 * emits is above a limit, it never holds much more than it was given (from the channel's allocator
 * or in the buffer where it gathers a frame cut by a read), and nothing from the
 * channel's allocator is held once the channel is finished.
 *
 * <p>Input layout: byte 0 picks the read size (0: all at once), byte 1's low bits the mode
 * (bit 0: handshake completed, bit 1: assemble messages), the rest is the stream.
 */
class FrameDecoderFuzzTest {
    static final InboundLimits LIMITS = new InboundLimits(4096, 1024, 8192, 16);

    @FuzzTest
    void frames(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int readSize = input[0] & 0xFF;
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        FrameDecoder decoder = new FrameDecoder(LIMITS, 0);
        boolean pastHandshake = (input[1] & 1) != 0;
        if (pastHandshake) {
            decoder.handshakeCompleted();
        }
        if ((input[1] & 2) != 0) {
            decoder.assembleMessages();
        }
        MeteredAllocator alloc = new MeteredAllocator();
        EventRecorder rec = new EventRecorder();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc.allocator());
        ch.pipeline().addLast(decoder, rec);
        try {
            int at = 0;
            while (at < stream.length && ch.isOpen()) {
                int n = readSize == 0 ? stream.length - at : Math.min(readSize, stream.length - at);
                ch.writeInbound(alloc.allocator().heapBuffer(n).writeBytes(stream, at, n));
                at += n;
                checkAndRelease(ch, pastHandshake);
                alloc.sample();
                // A frame cut by a read gathers in the decoder's own buffer: it grows with the bytes.
                assertThat((long) decoder.pendingCapacity()).isLessThanOrEqualTo(Math.max(FrameDecoder.PENDING_START, 2L * at));
            }
            assertThat(rec.exceptions).allMatch(ZmtpProtocolException.class::isInstance);
            assertThat(alloc.peak()).isLessThanOrEqualTo(2L * stream.length + LIMITS.maxFrameSize() + 1024);
        } finally {
            ch.finishAndReleaseAll();
        }
        assertThat(alloc.sample()).isZero();
    }

    private static void checkAndRelease(EmbeddedChannel ch, boolean pastHandshake) {
        long frameLimit = pastHandshake ? LIMITS.maxFrameSize() : LIMITS.maxHandshakeFrameSize();
        Object o;
        while ((o = ch.readInbound()) != null) {
            try {
                if (o instanceof ZmtpFrame frame) {
                    assertThat((long) frame.content().readableBytes()).isLessThanOrEqualTo(frameLimit);
                } else {
                    ZmtpMessage message = (ZmtpMessage) o;
                    assertThat((long) message.size()).isLessThanOrEqualTo(LIMITS.maxMessageFrames());
                    assertThat(message.byteSize()).isLessThanOrEqualTo(LIMITS.maxMessageSize());
                }
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
    }
}
