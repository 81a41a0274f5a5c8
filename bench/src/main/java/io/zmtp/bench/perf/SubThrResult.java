package io.zmtp.bench.perf;

import java.util.ArrayList;
import java.util.List;

/**
 * What sub_thr measured and printed: each subscriber's figures, computed as local_thr computes
 * its own, and their mean, the number bench/compare.sh reports.
 *
 * @param messageSize    bytes per message
 * @param messageCount   messages each subscriber received
 * @param subscribers    one result per SUB socket, in the order they were made
 * @param meanThroughput the mean of the subscribers' msg/s figures, truncated
 * @param meanMegabits   megabits per second of {@code meanThroughput}, as local_thr computes them
 */
public record SubThrResult(int messageSize, long messageCount, List<ThroughputResult> subscribers,
                           long meanThroughput, double meanMegabits) {
    public SubThrResult {
        subscribers = List.copyOf(subscribers);
    }

    static SubThrResult of(int messageSize, long messageCount, long[] elapsedMicros) {
        List<ThroughputResult> each = new ArrayList<>(elapsedMicros.length);
        long sum = 0;
        for (long micros : elapsedMicros) {
            ThroughputResult r = ThroughputResult.of(messageSize, messageCount, micros);
            each.add(r);
            sum += r.throughput();
        }
        long mean = sum / elapsedMicros.length;
        double megabits = (double) mean * messageSize * 8d / 1_000_000d;
        return new SubThrResult(messageSize, messageCount, each, mean, megabits);
    }
}
