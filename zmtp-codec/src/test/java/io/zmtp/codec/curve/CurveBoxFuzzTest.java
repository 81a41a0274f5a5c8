package io.zmtp.codec.curve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.InboundLimits;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.testing.EventRecorder;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arbitrary MESSAGE commands into the frame decoder with CURVE's unbox, assembling messages, as
 * after a handshake with a fixed session key: only {@link ZmtpProtocolException}s come out,
 * every frame is released, and no message it assembles is above the limits.
 *
 * <p>Input layout: records of a 2-byte big-endian length and that many bytes, each one outer
 * frame body. Seeds are real MESSAGEs boxed by {@link CurveFrameBox} under {@link #KEY}
 * from nonce 1 on (FuzzSeedWriter).
 */
class CurveBoxFuzzTest {
    static final byte[] KEY = key();
    static final InboundLimits LIMITS = new InboundLimits(-1, -1, 4096, 8);

    private static byte[] key() {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (i * 7 + 3);
        }
        return k;
    }

    @FuzzTest
    void unbox(byte[] input) {
        EventRecorder rec = new EventRecorder();
        FrameDecoder decoder = new FrameDecoder(LIMITS, 0);
        decoder.handshakeCompleted();
        decoder.unboxWith(new CurveFrameUnbox(new MessageBox(KEY.clone(), CurveCrypto.MESSAGE_FROM_CLIENT), 0));
        decoder.assembleMessages();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, rec);
        List<ByteBuf> bodies = new ArrayList<>();
        try {
            int at = 0;
            while (at + 2 <= input.length && ch.isOpen()) {
                int n = Math.min(((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF), input.length - at - 2);
                // One outer frame (flags 0, as CURVE sends MESSAGEs) around the fuzzed body; the
                // body is big enough at times to be a slice of the read buffer, not a copy.
                ByteBuf frame = Unpooled.buffer(n + 9);
                if (n > 255) {
                    frame.writeByte(ZmtpFrame.FLAG_LONG).writeLong(n);
                } else {
                    frame.writeByte(0).writeByte(n);
                }
                frame.writeBytes(input, at + 2, n);
                bodies.add(frame);
                ch.writeInbound(frame);
                at += 2 + n;
                Object o;
                while ((o = ch.readInbound()) != null) {
                    try {
                        if (o instanceof ZmtpMessage m) {
                            assertThat((long) m.size()).isLessThanOrEqualTo(LIMITS.maxMessageFrames());
                            assertThat(m.byteSize()).isLessThanOrEqualTo(LIMITS.maxMessageSize());
                        }
                    } finally {
                        ReferenceCountUtil.release(o);
                    }
                }
            }
            assertThat(rec.exceptions).allMatch(ZmtpProtocolException.class::isInstance);
            // A message still missing its last frame holds slices of big frames until the decoder goes.
            ch.finishAndReleaseAll();
            assertThat(bodies).allSatisfy(b -> assertThat(b.refCnt()).as("MESSAGE frame released").isZero());
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
