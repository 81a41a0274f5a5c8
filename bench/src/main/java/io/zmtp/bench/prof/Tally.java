package io.zmtp.bench.prof;

import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The counts a summary is made of, for one profile: samples and thread names per thread group,
 * and for every group its samples per {@link Category} and per leaf frame.
 */
final class Tally {
    private final Map<ThreadKind, Long> samples = new EnumMap<>(ThreadKind.class);
    private final Map<ThreadKind, Set<String>> threads = new EnumMap<>(ThreadKind.class);
    private final Map<ThreadKind, Map<Category, Long>> categories = new EnumMap<>(ThreadKind.class);
    private final Map<ThreadKind, Map<String, Long>> leaves = new EnumMap<>(ThreadKind.class);
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
        categories.computeIfAbsent(kind, k -> new EnumMap<>(Category.class))
                .merge(StackClassifier.classify(s.frames()), s.samples(), Long::sum);
        leaves.computeIfAbsent(kind, k -> new HashMap<>()).merge(s.leaf(), s.samples(), Long::sum);
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

    long samples(ThreadKind kind, Category category) {
        return categories.getOrDefault(kind, Map.of()).getOrDefault(category, 0L);
    }

    /** The group's {@code n} leaf frames with the most self samples, most first (ties by name). */
    List<Map.Entry<String, Long>> topLeaves(ThreadKind kind, int n) {
        return leaves.getOrDefault(kind, Map.of()).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }
}
