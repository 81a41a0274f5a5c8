package io.zmtp.bench.perf;

/**
 * What remote_lat and inproc_lat measured and printed.
 *
 * @param messageSize          bytes per message
 * @param roundtripCount       round trips made
 * @param elapsedMicros        microseconds the round trips took
 * @param averageLatencyMicros one-way latency as libzmq reports it: elapsed / (round trips * 2)
 */
public record LatencyResult(int messageSize, long roundtripCount, double elapsedMicros, double averageLatencyMicros) {
    static LatencyResult of(int messageSize, long roundtripCount, double elapsedMicros) {
        return new LatencyResult(messageSize, roundtripCount, elapsedMicros, elapsedMicros / (roundtripCount * 2d));
    }
}
