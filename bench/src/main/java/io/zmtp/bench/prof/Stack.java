package io.zmtp.bench.prof;

import java.util.List;

/**
 * One line of an async-profiler collapsed profile taken with its {@code threads} option: the
 * thread the stack ran on, the frames from the thread's root to the leaf, and how many CPU
 * samples landed on exactly that stack.
 */
record Stack(String thread, List<String> frames, long samples) {
    Stack {
        frames = List.copyOf(frames);
    }

    /** The frame the samples were taken in (self time), or {@code "(no frames)"}. */
    String leaf() {
        return frames.isEmpty() ? "(no frames)" : frames.get(frames.size() - 1);
    }
}
