package io.zmtp.bench.prof;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The counts of the thread-group table, for one profile: samples and thread names per group.
 * A flame graph shows each thread on its own; this adds them up by what the threads do.
 */
final class Tally {
    private final Map<ThreadKind, Long> samples = new EnumMap<>(ThreadKind.class);
    private final Map<ThreadKind, Set<String>> threads = new EnumMap<>(ThreadKind.class);
    private long total;

    static Tally of(List<Stack> stacks) {
        Tally t = new Tally();
        stacks.forEach(t::add);
        return t;
    }

    void add(Stack s) {
        ThreadKind kind = ThreadKind.of(s.thread());
        total += s.samples();
        samples.merge(kind, s.samples(), Long::sum);
        threads.computeIfAbsent(kind, k -> new TreeSet<>()).add(s.thread());
    }

    long total() {
        return total;
    }

    long samples(ThreadKind kind) {
        return samples.getOrDefault(kind, 0L);
    }

    /** The names of the group's threads that have samples, sorted. */
    Set<String> threads(ThreadKind kind) {
        return Collections.unmodifiableSet(threads.getOrDefault(kind, Set.of()));
    }
}
