package io.zmtp.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.MessageAssembler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A message of {@value #FRAMES} frames of {@code frameSize} bytes each, per operation: encoded
 * and flushed by {@link FrameEncoder}, or decoded by {@link FrameDecoder} and gathered into one
 * {@link io.zmtp.codec.ZmtpMessage} by {@link MessageAssembler}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MultipartBenchmark {
    static final int FRAMES = 20;

    @Param({"16"})
    public int frameSize;

    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;
    private ByteBuf payload;
    private ByteBuf wire;

    @Setup
    public void setUp() {
        encoder = new EmbeddedChannel(new FrameEncoder());
        decoder = new EmbeddedChannel(new FrameDecoder(), new MessageAssembler());
        payload = Codec.payload(frameSize);
        wire = Codec.wire(1, FRAMES, frameSize);
    }

    @TearDown
    public void tearDown() {
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
        payload.release();
        wire.release();
    }

    /** Encodes and flushes one {@value #FRAMES}-frame message; returns the bytes written. */
    @Benchmark
    public long encode20() {
        encoder.writeAndFlush(Codec.message(payload, FRAMES), encoder.voidPromise());
        return Codec.drainOutbound(encoder);
    }

    /** Decodes and assembles one {@value #FRAMES}-frame message; returns the messages (1). */
    @Benchmark
    public long decode20() {
        decoder.pipeline().fireChannelRead(wire.retainedDuplicate()).fireChannelReadComplete();
        return Codec.drainInbound(decoder);
    }
}
