package io.zmtp.codec.curve;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.InboundLimits;
import io.zmtp.codec.MessageAssembler;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.testing.EventRecorder;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arbitrary MESSAGE commands into CURVE's box decoder and the message assembler behind it, as
 * after a handshake with a fixed session key: only {@link ZmtpProtocolException}s come out,
 * every frame is released, and no message it assembles is above the limits.
 *
 * <p>Input layout: records of a 2-byte big-endian length and that many bytes, each one command
 * frame body. Seeds are real MESSAGEs boxed by {@link CurveMessageEncoder} under {@link #KEY}
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
        EmbeddedChannel ch = new EmbeddedChannel(
                new CurveMessageDecoder(new MessageBox(KEY.clone(), CurveCrypto.MESSAGE_FROM_CLIENT), 0),
                new MessageAssembler(LIMITS), rec);
        List<ByteBuf> bodies = new ArrayList<>();
        try {
            int at = 0;
            while (at + 2 <= input.length && ch.isOpen()) {
                int n = Math.min(((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF), input.length - at - 2);
                ByteBuf body = Unpooled.buffer(n).writeBytes(input, at + 2, n);
                bodies.add(body);
                ch.writeInbound(ZmtpFrame.command(body));
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
            assertThat(bodies).allSatisfy(b -> assertThat(b.refCnt()).as("MESSAGE frame released").isZero());
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
