package io.zmtp.bench.perf;

/**
 * What local_thr and inproc_thr measured and printed.
 *
 * @param messageSize   bytes per message
 * @param messageCount  messages received
 * @param elapsedMicros microseconds from the first message to the last (at least 1)
 * @param throughput    messages per second, truncated as libzmq prints it
 * @param megabits      megabits per second, computed from the truncated {@code throughput}
 */
public record ThroughputResult(int messageSize, long messageCount, long elapsedMicros, long throughput, double megabits) {
    /** libzmq's arithmetic: {@code count / elapsed_us * 1e6} truncated, then {@code * size * 8 / 1e6}. */
    static ThroughputResult of(int messageSize, long messageCount, long elapsedMicros) {
        long elapsed = Math.max(1, elapsedMicros);
        long throughput = (long) ((double) messageCount / (double) elapsed * 1_000_000d);
        double megabits = (double) throughput * messageSize * 8d / 1_000_000d;
        return new ThroughputResult(messageSize, messageCount, elapsed, throughput, megabits);
    }
}
