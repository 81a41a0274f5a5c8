package io.zmtp.bench.loops;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One process's clock and counters for a cell. The clock starts when every connection of the
 * process is through its handshake ({@link #begin}); the warm-up runs, then the measured window,
 * whose message count, process CPU time and latency histogram are the result. Both processes of a
 * cell start their clocks at their own handshakes, which on loopback are within milliseconds of
 * each other; the sending sides keep sending for a {@link #TAIL_NANOS tail} after their window so
 * the measuring side's window is covered by traffic to its end.
 */
final class Meter {
    /** How long senders go on after their own window. */
    static final long TAIL_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    /** How long connections may take to come up before the run is called failed. */
    static final long CONNECT_TIMEOUT_SECONDS = 60;

    private final LongAdder count = new LongAdder();
    /** Nanoseconds, up to a minute, three significant digits; safe for many recording threads. */
    private final Recorder latency = new Recorder(TimeUnit.MINUTES.toNanos(1), 3);
    private final long warmupNanos;
    private final long measureNanos;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicBoolean begun = new AtomicBoolean();
    private volatile long startNanos;
    private volatile boolean measured;

    Meter(double warmupSeconds, double measureSeconds) {
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.measureNanos = (long) (measureSeconds * 1e9);
    }

    /** Every connection is up: the clock starts (later calls do nothing). */
    void begin() {
        if (begun.compareAndSet(false, true)) {
            startNanos = System.nanoTime();
            started.countDown();
        }
    }

    /** Waits until {@link #begin} ran; false after the connect time-out. */
    boolean awaitBegin() throws InterruptedException {
        return started.await(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** {@link #awaitBegin}, for a worker thread: false after the time-out or an interrupt. */
    boolean begunInTime() {
        try {
            return awaitBegin();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void count() {
        count.increment();
    }

    /** Records one latency in nanoseconds (a negative one, impossible on one clock, as 0). */
    void record(long nanos) {
        latency.recordValue(Math.min(Math.max(nanos, 0), TimeUnit.MINUTES.toNanos(1)));
    }

    /** True once the measured window is over: measuring sides stop. */
    boolean measured() {
        return measured;
    }

    /** True while a sending side should go on: until its window and the tail are over. */
    boolean sending() {
        return !begun.get() || System.nanoTime() - startNanos < warmupNanos + measureNanos + TAIL_NANOS;
    }

    /**
     * Runs the clock on the calling thread: waits for {@link #begin}, lets the warm-up pass,
     * measures the window, marks it {@link #measured} and returns what it saw.
     */
    LoopResult run(LoopArgs.Role role) throws InterruptedException {
        if (!awaitBegin()) {
            throw new IllegalStateException("the connections were not up after " + CONNECT_TIMEOUT_SECONDS + " s");
        }
        sleepUntil(startNanos + warmupNanos);
        long count0 = count.sum();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        latency.getIntervalHistogram(); // what the warm-up recorded goes
        sleepUntil(t0 + measureNanos);
        long count1 = count.sum();
        long cpu1 = processCpuNanos();
        long t1 = System.nanoTime();
        Histogram h = latency.getIntervalHistogram();
        measured = true;
        return new LoopResult(role.label(), count1 - count0, (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9,
                h.getTotalCount() == 0 ? null : LoopResult.Latency.of(h));
    }


    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** This process's user + system CPU time, all threads. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report its process CPU time");
    }
}
