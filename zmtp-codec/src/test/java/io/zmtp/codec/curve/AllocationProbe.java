package io.zmtp.codec.curve;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates per run of an operation (HotSpot's per-thread counter; timing-independent). */
final class AllocationProbe {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationProbe() {
    }

    /** Runs {@code op} {@code warmup} times, then {@code runs} times, and returns bytes allocated per measured run. */
    static double bytesPerRun(int warmup, int runs, Runnable op) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < runs; i++) {
            op.run();
        }
        return (double) (THREADS.getThreadAllocatedBytes(id) - before) / runs;
    }
}
