package io.zmtp.bench.jmh;

import io.netty.util.concurrent.FastThreadLocalThread;
import org.openjdk.jmh.infra.Blackhole;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * {@code EncoderAllocation [warm-up-ops] [measured-ops]}: the heap bytes per message of
 * {@link FrameEncodeBenchmark#encodeBatched} and {@link FrameEncodeBenchmark#messageOnly}, counted
 * with the JVM's per-thread allocation counter, on a Netty thread (a {@link FastThreadLocalThread},
 * as an event loop is) and on a plain thread (as JMH's are).
 *
 * <p>Why a second measure beside JMH's gc profiler: Netty recycles the outbound buffer's per-write
 * entries only on its own threads, so on JMH's thread every write allocates one that an event loop
 * would not. The difference of the two methods on the Netty thread is the encoder's own garbage.
 */
public final class EncoderAllocation {
    static final int[] SIZES = {16, 1024, 65536};

    private EncoderAllocation() {
    }

    /** Heap bytes per message of one method at one size on the current thread. */
    record Figure(String thread, int size, double encodeBatched, double messageOnly) {
        double encoderOwn() {
            return encodeBatched - messageOnly;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        for (Figure f : measure(warmUp, measured)) {
            print(f, System.out);
        }
    }

    static void print(Figure f, PrintStream out) {
        // Rounded to whole bytes first, so a difference within a byte of zero reads 0, not -0.
        out.printf("- %s, size=%d: encodeBatched %d B per message, messageOnly %d B: the encoder's own %d B%n",
                f.thread(), f.size(), Math.round(f.encodeBatched()), Math.round(f.messageOnly()),
                Math.round(f.encoderOwn()));
    }

    /** Measures every size on a Netty thread, then on a plain thread. */
    static List<Figure> measure(int warmUp, int measured) throws InterruptedException {
        List<Figure> figures = new ArrayList<>();
        runOn(new FastThreadLocalThread(() -> measureAll("Netty thread", warmUp, measured, figures)));
        runOn(new Thread(() -> measureAll("plain thread", warmUp, measured, figures)));
        return figures;
    }

    private static void runOn(Thread t) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new IllegalStateException("measuring failed on " + t.getName(), failure[0]);
        }
    }

    private static void measureAll(String thread, int warmUp, int measured, List<Figure> into) {
        Blackhole sink = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        for (int size : SIZES) {
            FrameEncodeBenchmark b = new FrameEncodeBenchmark();
            b.size = size;
            b.setUp();
            try {
                double encode = perMessage(() -> (int) b.encodeBatched(), sink, warmUp, measured);
                double message = perMessage(() -> b.messageOnly(sink), sink, warmUp, measured);
                synchronized (into) {
                    into.add(new Figure(thread, size, encode, message));
                }
            } finally {
                b.tearDown();
            }
        }
    }

    /** Runs {@code op} (one batch of messages) warm-up times, then counts what {@code measured} runs allocate. */
    private static double perMessage(IntSupplier op, Blackhole sink, int warmUp, int measured) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmUp; i++) {
            sink.consume(op.getAsInt());
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < measured; i++) {
            sink.consume(op.getAsInt());
        }
        long after = mx.getCurrentThreadAllocatedBytes();
        return (after - before) / (double) measured / FrameEncodeBenchmark.BATCH;
    }
}
