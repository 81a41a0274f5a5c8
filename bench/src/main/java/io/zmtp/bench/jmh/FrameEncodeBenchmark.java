package io.zmtp.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.FrameEncoder;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * {@link FrameEncoder} on an {@link EmbeddedChannel}: one single-frame message of {@code size}
 * bytes per operation, either flushed on its own ({@link #encode}) or in a batch of
 * {@value #BATCH} messages per flush ({@link #encodeBatched}, the sending loop's usual case;
 * reported per message). The payload is shared (a retained duplicate per message), so what is
 * measured is the encoder: header, copy into its batch buffer (up to 1 KiB) or pass-through.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameEncodeBenchmark {
    static final int BATCH = 64;

    @Param({"16", "1024", "65536"})
    public int size;

    private EmbeddedChannel channel;
    private ByteBuf payload;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new FrameEncoder());
        payload = Codec.payload(size);
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        payload.release();
    }

    /** Encodes and flushes one message; returns the bytes written. */
    @Benchmark
    public long encode() {
        channel.writeAndFlush(Codec.message(payload, 1), channel.voidPromise());
        return Codec.drainOutbound(channel);
    }

    /**
     * The message alone: made and released as {@link #encodeBatched} makes them, never encoded.
     * Its allocation per operation is the message object's (the blackhole keeps the JIT from
     * eliding it); what {@link #encodeBatched} allocates beyond it is the encoder's.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int messageOnly(Blackhole sink) {
        return Codec.messagesOnly(payload, BATCH, sink);
    }

    /** Encodes {@value #BATCH} messages, then flushes once; the time is per message. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long encodeBatched() {
        for (int i = 0; i < BATCH; i++) {
            channel.write(Codec.message(payload, 1), channel.voidPromise());
        }
        channel.flush();
        return Codec.drainOutbound(channel);
    }
}
