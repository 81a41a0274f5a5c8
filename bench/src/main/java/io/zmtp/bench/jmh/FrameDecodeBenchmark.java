package io.zmtp.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link FrameDecoder} on an {@link EmbeddedChannel}: the wire bytes of frames of {@code size}
 * bytes arrive as one read, either one frame ({@link #decode}) or {@value #BATCH} frames
 * ({@link #decodeBatched}, as a busy socket reads them; reported per frame). The decoder slices
 * the bodies out of the read buffer; the benchmark releases each frame it gets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameDecodeBenchmark {
    static final int BATCH = 64;

    @Param({"16", "1024", "65536"})
    public int size;

    private EmbeddedChannel channel;
    private ByteBuf oneFrame;
    private ByteBuf manyFrames;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new FrameDecoder());
        oneFrame = Codec.wire(1, 1, size);
        manyFrames = Codec.wire(BATCH, 1, size);
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        oneFrame.release();
        manyFrames.release();
    }

    /** Decodes one frame; returns the number of frames decoded (1). */
    @Benchmark
    public long decode() {
        channel.pipeline().fireChannelRead(oneFrame.retainedDuplicate()).fireChannelReadComplete();
        return Codec.drainInbound(channel);
    }

    /** Decodes {@value #BATCH} frames that came in one read; the time is per frame. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long decodeBatched() {
        channel.pipeline().fireChannelRead(manyFrames.retainedDuplicate()).fireChannelReadComplete();
        return Codec.drainInbound(channel);
    }
}
