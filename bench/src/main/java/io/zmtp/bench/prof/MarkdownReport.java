package io.zmtp.bench.prof;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a {@link Tally} as Markdown for BENCHMARKS.md: samples per thread group, the one figure
 * of a profile its flame graph does not add up. Every share is computed here from the counts,
 * never typed in.
 */
final class MarkdownReport {
    private static final int NAMES_SHOWN = 4;

    private final PrintStream out;

    MarkdownReport(PrintStream out) {
        this.out = out;
    }

    /** How threads are grouped; printed once above the tables. */
    void legend() {
        out.println("Thread groups, by thread name:");
        out.println();
        for (ThreadKind kind : ThreadKind.values()) {
            out.println("- " + kind.label() + ": " + kind.description());
        }
        out.println();
    }

    /** One profile: {@code label} heads it, {@code source} names the raw file. */
    void summary(String label, String source, Tally t) {
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

    static String share(long part, long whole) {
        return whole == 0 ? "—" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /** Text for inside a code span in a table cell: no backticks, pipes escaped. */
    private static String code(String s) {
        return s.replace('`', '\'').replace("|", "\\|");
    }
}
