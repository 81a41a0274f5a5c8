package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpFrame;
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
 * frame that carries the payload (the payload buffer itself is pooled). Before the per-connection
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
    void decodingAllocatesOnlyThePayloadAndItsFrame(int size) {
        FrameEncoder encoder = new FrameEncoder();
        encoder.boxWith(new CurveFrameBox(new MessageBox(KEY, C), 3));
        EmbeddedChannel enc = new EmbeddedChannel(encoder);
        ZmtpFrame[] boxed = new ZmtpFrame[2 * RUNS];
        for (int i = 0; i < boxed.length; i++) {
            enc.writeOneOutbound(ZmtpMessage.ofBytes(new byte[size]));
            enc.flush();
            ByteBuf wire = enc.readOutbound();
            int header = size + CurveFrameBox.OVERHEAD > 255 ? 9 : 2;
            boxed[i] = ZmtpFrame.message(Unpooled.wrappedBuffer(io.netty.buffer.ByteBufUtil.getBytes(wire, header,
                    wire.readableBytes() - header)), false);
            wire.release();
        }
        EmbeddedChannel dec = new EmbeddedChannel(new CurveMessageDecoder(new MessageBox(KEY, C), 2));
        int[] next = {0};
        double perMessage = AllocationProbe.bytesPerRun(RUNS, RUNS, () -> {
            dec.pipeline().fireChannelRead(boxed[next[0]++]);
            ZmtpFrame f = dec.readInbound();
            f.release();
        });
        System.out.printf("CURVE decode %d B: %.1f B/msg%n", size, perMessage);
        // The ZmtpFrame (24 bytes); the payload buffer comes from the pooled allocator's recycler.
        assertThat(perMessage).isLessThan(32.0);
        enc.finishAndReleaseAll();
        dec.finishAndReleaseAll();
    }
}
