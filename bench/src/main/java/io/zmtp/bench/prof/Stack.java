package io.zmtp.bench.prof;

/**
 * One line of an async-profiler collapsed profile taken with its {@code threads} option, as far
 * as the thread-group table needs it: the thread the stack ran on and how many CPU samples it
 * got. The frames are for the flame graph, which async-profiler draws itself.
 */
record Stack(String thread, long samples) {
}
