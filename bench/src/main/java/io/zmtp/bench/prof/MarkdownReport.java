package io.zmtp.bench.prof;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Tally} as Markdown for BENCHMARKS.md: samples per thread group, then for the
 * two groups that do the messaging (application and event loop) their samples per category
 * and their top leaf frames. Every share is computed here from the counts, never typed in.
 */
final class MarkdownReport {
    /** The groups that carry the messaging, the ones broken down further. */
    static final List<ThreadKind> BUSY = List.of(ThreadKind.APPLICATION, ThreadKind.EVENT_LOOP);
    private static final int NAMES_SHOWN = 4;
    /** {@link StackClassifier}'s rule, for the reader of the report. */
    private static final String RULES = """
            Each sample of an application or event-loop thread is put in one category by the first rule
            that applies, so the categories of a group add up to its samples:

            1. a stack with a kernel frame (`_[k]`) is decided by its first kernel frame from the root
               (the kernel entry): a page fault; an interrupt (timer, IPI; often preemption); else the
               system call named by the first `*sys_<name>` kernel frame (or by the libc wrapper above
               the kernel): futex, epoll_wait/epoll_pwait, write/writev/sendto/sendmsg,
               read/readv/recvfrom/recvmsg (pread/pwrite are file I/O: other), other; a read or write
               through an eventfd or a pipe (`eventfd_*`/`pipe_*` kernel frames) is a loop wake-up;
            2. else a JDK park/unpark frame (`LockSupport.park*`/`unpark`, `Unsafe.park`/`unpark`):
               parking in user space;
            3. else a HotSpot frame that allocates on the heap, collects, or waits at a safepoint
               (`OptoRuntime::new*`, `MemAllocator::`, `G1*::`, `SafepointSynchronize::`, ...):
               GC/allocation;
            4. else a class loader frame (`java/lang/ClassLoader.`, `jdk/internal/loader/`) or a HotSpot
               class loading/linking frame (`SystemDictionary::`, `ClassFileParser::`, `LinkResolver::`,
               ...): class loading, mostly start-up;
            5. else the package of the leaf-most Java frame (a frame with a `/`): ours (`io.zmtp.codec`;
               `io.zmtp.socket` and its subpackages; other `io.zmtp`), the perf tool (`io.zmtp.bench`),
               Netty, JDK, other;
            6. else JVM/native code with no Java frame.

            """;

    private final PrintStream out;

    MarkdownReport(PrintStream out) {
        this.out = out;
    }

    /** How threads are grouped and stacks classified; printed once above the summaries. */
    void legend() {
        out.println("Thread groups, by thread name:");
        out.println();
        for (ThreadKind kind : ThreadKind.values()) {
            out.println("- " + kind.label() + ": " + kind.description());
        }
        out.println();
        out.print(RULES);
        out.println("Leaf frames are where the samples were taken (self time), as async-profiler names them.");
        out.println();
    }

    /** One profile: {@code label} heads it, {@code source} names the raw file. */
    void summary(String label, String source, Tally t, int top) {
        out.println("#### " + label);
        out.println();
        if (t.total() == 0) {
            out.println("`" + code(source) + "`: no samples (the profile is empty).");
            out.println();
            return;
        }
        int threads = 0;
        for (ThreadKind kind : ThreadKind.values()) {
            threads += t.threads(kind).size();
        }
        out.println("`" + code(source) + "`: " + t.total() + " samples in " + threads + " threads.");
        out.println();
        out.println("| thread group | threads | samples | share |");
        out.println("| --- | --- | ---: | ---: |");
        for (ThreadKind kind : ThreadKind.values()) {
            out.println("| " + kind.label() + " | " + names(t.threads(kind)) + " | " + t.samples(kind) + " | "
                    + share(t.samples(kind), t.total()) + " |");
        }
        out.println();
        out.println(largest(t));
        out.println();
        categories(t);
        leaves(t, top);
    }

    /**
     * One sentence a reader can take away: the thread groups by share, largest first, and the
     * largest category of each busy group.
     */
    static String largest(Tally t) {
        StringBuilder line = new StringBuilder("Largest: ");
        List<ThreadKind> kinds = new ArrayList<>(List.of(ThreadKind.values()));
        kinds.removeIf(k -> t.samples(k) == 0);
        kinds.sort(Comparator.comparingLong((ThreadKind k) -> t.samples(k)).reversed().thenComparing(Enum::ordinal));
        for (int i = 0; i < kinds.size(); i++) {
            ThreadKind k = kinds.get(i);
            line.append(i == 0 ? "" : ", ").append(k.label()).append(' ').append(share(t.samples(k), t.total()));
        }
        line.append(" of the samples");
        for (ThreadKind kind : BUSY) {
            Category top = null;
            for (Category c : Category.values()) {
                if (t.samples(kind, c) > 0 && (top == null || t.samples(kind, c) > t.samples(kind, top))) {
                    top = c;
                }
            }
            if (top != null) {
                line.append("; ").append(kind.label()).append(": ").append(top.label()).append(' ')
                        .append(share(t.samples(kind, top), t.samples(kind)));
            }
        }
        return line.append('.').toString();
    }

    private void categories(Tally t) {
        StringBuilder header = new StringBuilder("| category");
        StringBuilder rule = new StringBuilder("| ---");
        for (ThreadKind kind : BUSY) {
            header.append(" | ").append(kind.label());
            rule.append(" | ---:");
        }
        out.println(header.append(" |"));
        out.println(rule.append(" |"));
        for (Category c : Category.values()) {
            boolean any = BUSY.stream().anyMatch(k -> t.samples(k, c) > 0);
            if (any) {
                StringBuilder row = new StringBuilder("| ").append(c.label());
                for (ThreadKind kind : BUSY) {
                    row.append(" | ").append(cell(t.samples(kind, c), t.samples(kind)));
                }
                out.println(row.append(" |"));
            }
        }
        StringBuilder all = new StringBuilder("| all");
        for (ThreadKind kind : BUSY) {
            all.append(" | ").append(cell(t.samples(kind), t.samples(kind)));
        }
        out.println(all.append(" |"));
        out.println();
    }

    private void leaves(Tally t, int top) {
        List<List<Map.Entry<String, Long>>> columns = new ArrayList<>();
        StringBuilder header = new StringBuilder("| #");
        StringBuilder rule = new StringBuilder("| ---:");
        int rows = 0;
        for (ThreadKind kind : BUSY) {
            List<Map.Entry<String, Long>> leaves = t.topLeaves(kind, top);
            columns.add(leaves);
            rows = Math.max(rows, leaves.size());
            header.append(" | top leaf frames, ").append(kind.label()).append(" | samples | share");
            rule.append(" | --- | ---: | ---:");
        }
        if (rows == 0) {
            return;
        }
        out.println(header.append(" |"));
        out.println(rule.append(" |"));
        for (int i = 0; i < rows; i++) {
            StringBuilder row = new StringBuilder("| ").append(i + 1);
            for (int k = 0; k < BUSY.size(); k++) {
                List<Map.Entry<String, Long>> leaves = columns.get(k);
                if (i < leaves.size()) {
                    Map.Entry<String, Long> e = leaves.get(i);
                    row.append(" | `").append(code(e.getKey())).append("` | ").append(e.getValue())
                            .append(" | ").append(share(e.getValue(), t.samples(BUSY.get(k))));
                } else {
                    row.append(" |  |  | ");
                }
            }
            out.println(row.append(" |"));
        }
        out.println();
    }

    private static String names(Set<String> names) {
        if (names.isEmpty()) {
            return "—";
        }
        List<String> shown = new ArrayList<>();
        for (String n : names) {
            if (shown.size() == NAMES_SHOWN) {
                break;
            }
            shown.add("`" + code(n) + "`");
        }
        int more = names.size() - shown.size();
        return String.join(", ", shown) + (more > 0 ? " and " + more + " more" : "");
    }

    private static String cell(long part, long whole) {
        return whole == 0 ? "—" : share(part, whole) + " (" + part + ")";
    }

    static String share(long part, long whole) {
        return whole == 0 ? "—" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /** Text for inside a code span in a table cell: no backticks, pipes escaped. */
    private static String code(String s) {
        return s.replace('`', '\'').replace("|", "\\|");
    }
}
