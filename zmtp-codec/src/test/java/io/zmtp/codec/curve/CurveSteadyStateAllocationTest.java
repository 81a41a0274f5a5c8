package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes allocated per CURVE message on the steady-state path through the codec, messages made
 * beforehand. Encoding (box in the batch buffer, 16 messages per flush) allocates nothing per
 * message (what is left is the channel's cost per written batch buffer); decoding allocates the
 * message it delivers and nothing else per message (the frame decoder opens the box in place, a
 * small one in the read buffer so that only its payload is copied out). Before the per-connection
 * box: 1792 B (encode) and 1062 B (decode) per 16-byte message.
 * The leak detector is off while measuring: its per-buffer records would be counted.
 */
class CurveSteadyStateAllocationTest {
    private static final byte[] KEY = CryptoBox.beforenm(CurveKeyPair.generate().publicKey(), CurveKeyPair.generate().secretKey());
    private static final byte[] C = CurveCrypto.MESSAGE_FROM_CLIENT;
    private static final int RUNS = 20_000;

    private ResourceLeakDetector.Level level;

    @BeforeEach
    void leakDetectorOff() {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterEach
    void leakDetectorBack() {
        ResourceLeakDetector.setLevel(level);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1024})
    void encodingAllocatesNothingPerMessage(int size) {
        FrameEncoder encoder = new FrameEncoder();
        encoder.boxWith(new CurveFrameBox(new MessageBox(KEY, C), 3));
        EmbeddedChannel enc = new EmbeddedChannel(encoder);
        ZmtpMessage[] messages = new ZmtpMessage[2 * RUNS];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = ZmtpMessage.ofBytes(new byte[size]);
        }
        int[] next = {0};
        double perMessage = AllocationProbe.bytesPerRun(RUNS, RUNS, () -> {
            enc.write(messages[next[0]++], enc.voidPromise());
            if (next[0] % 16 == 0) {
                enc.flush();
                ByteBuf b;
                while ((b = enc.readOutbound()) != null) {
                    b.release();
                }
            }
        });
        System.out.printf("CURVE encode %d B: %.1f B/msg%n", size, perMessage);
        // What remains is the channel's cost per written batch buffer, spread over its messages;
        // one object per message (16 bytes at least) would cross this line.
        assertThat(perMessage).isLessThan(16.0);
        enc.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1024})
    void decodingAllocatesNothingMoreThanAPlainFrameOfTheSameSize(int size) {
        // The box is opened where it lies: no frame object, buffer or copy beyond what the plain
        // frame costs (one object per message, 16 bytes at least, would cross this line).
        assertThat(bestOfThree(() -> {
            ByteBuf[] boxed = wireFrames(boxing(), size);
            // The same outer frames, their bodies not boxes: what NULL delivers for the same bytes.
            ByteBuf[] plain = new ByteBuf[boxed.length];
            for (int i = 0; i < boxed.length; i++) {
                plain[i] = boxed[i].copy();
            }
            return curveMinusPlain(size, boxed, plain, "plain frame of the same size");
        })).isLessThan(16.0);
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 512})
    void aSmallBoxCostsNoMoreThanItsPayloadInTheClear(int size) {
        // The box is opened in the read buffer and only the payload copied out: its 33 bytes of
        // nonce, tag and flags are not carried into the delivered body (they were, 40 B at 16 B).
        assertThat(bestOfThree(() -> curveMinusPlain(size, wireFrames(boxing(), size),
                wireFrames(new FrameEncoder(), size), "a plain " + size + " B frame"))).isLessThan(16.0);
    }

    /**
     * A measurement only ever gains bytes it should not have (a compilation or a deoptimisation
     * landing inside it): the best of up to three is the path's cost. An object per message would
     * be in every one of them.
     */
    private static double bestOfThree(java.util.function.DoubleSupplier measure) {
        double best = Double.MAX_VALUE;
        for (int attempt = 0; attempt < 3 && best >= 16.0; attempt++) {
            best = Math.min(best, measure.getAsDouble());
        }
        return best;
    }

    private static FrameEncoder boxing() {
        FrameEncoder encoder = new FrameEncoder();
        encoder.boxWith(new CurveFrameBox(new MessageBox(KEY, C), 3));
        return encoder;
    }

    /** What {@code encoder} writes for 2 x RUNS one-frame messages of {@code size} bytes, a buffer each. */
    private static ByteBuf[] wireFrames(FrameEncoder encoder, int size) {
        EmbeddedChannel enc = new EmbeddedChannel(encoder);
        ByteBuf[] frames = new ByteBuf[2 * RUNS];
        for (int i = 0; i < frames.length; i++) {
            enc.writeOneOutbound(ZmtpMessage.ofBytes(new byte[size]));
            enc.flush();
            ByteBuf wire = enc.readOutbound();
            frames[i] = Unpooled.wrappedBuffer(io.netty.buffer.ByteBufUtil.getBytes(wire));
            wire.release();
        }
        enc.finishAndReleaseAll();
        return frames;
    }

    /** Bytes per message of decoding the CURVE frames {@code boxed}, less those of decoding {@code plain}. */
    private static double curveMinusPlain(int size, ByteBuf[] boxed, ByteBuf[] plain, String plainIs) {
        FrameDecoder curve = new FrameDecoder();
        curve.unboxWith(new CurveFrameUnbox(new MessageBox(KEY, C), 2));
        double curvePerMessage = decodeBytesPerMessage(curve, boxed);
        double plainPerMessage = decodeBytesPerMessage(new FrameDecoder(), plain);
        System.out.printf("CURVE decode %d B: %.1f B/msg (%s: %.1f)%n", size, curvePerMessage, plainIs,
                plainPerMessage);
        return curvePerMessage - plainPerMessage;
    }

    /** Bytes per message of decoding {@code frames} (one each) into delivered messages. */
    private static double decodeBytesPerMessage(FrameDecoder decoder, ByteBuf[] frames) {
        decoder.assembleMessages();
        ZmtpMessage[] got = new ZmtpMessage[1];
        decoder.deliverMessagesTo(m -> got[0] = m);
        EmbeddedChannel dec = new EmbeddedChannel(decoder);
        int[] next = {0};
        double perMessage = AllocationProbe.bytesPerRun(RUNS, RUNS, () -> {
            dec.writeInbound(frames[next[0]++]);
            got[0].release();
        });
        dec.finishAndReleaseAll();
        return perMessage;
    }
}
