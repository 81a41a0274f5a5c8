package io.zmtp.bench.loops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The two side comparisons of the report: the same cells with two event-loop threads per
 * process instead of one, and on the other Java version; each row puts a cell next to its
 * main-run twin.
 */
final class LoopsComparisons {
    private final List<CellSummary> cells;
    private final String mainJava;

    LoopsComparisons(List<CellSummary> cells, String mainJava) {
        this.cells = cells;
        this.mainJava = mainJava;
    }

    String render() {
        StringBuilder b = new StringBuilder();
        List<CellSummary> twoThreads = variants(c -> c.cell().threads() != 1 && c.cell().java().equals(mainJava));
        if (!twoThreads.isEmpty()) {
            b.append("### Event-loop threads per process\n\n");
            b.append("The same cells with `ZMTP_LOOP_THREADS=").append(twoThreads.get(0).cell().threads())
                    .append("` (sockets are spread over the loops; one socket stays on one loop). Rate with one thread -> with more, and the ratio.\n\n");
            table(b, twoThreads, "threads");
        }
        List<CellSummary> otherJava = variants(c -> c.cell().threads() == 1 && !c.cell().java().equals(mainJava)
                && !c.cell().impl().equals("libzmq"));
        if (!otherJava.isEmpty()) {
            b.append("### Java ").append(otherJava.get(0).cell().java()).append(" against Java ").append(mainJava).append("\n\n");
            b.append("The same cells run with Java ").append(otherJava.get(0).cell().java())
                    .append(" (the same jars). Rate on Java ").append(mainJava).append(" -> on Java ")
                    .append(otherJava.get(0).cell().java()).append(", and the ratio.\n\n");
            table(b, otherJava, "java");
        }
        return b.toString();
    }

    private List<CellSummary> variants(Predicate<CellSummary> which) {
        return cells.stream().filter(CellSummary::ok).filter(which)
                .sorted(Comparator.comparing((CellSummary c) -> c.cell().pattern()).thenComparingInt(c -> c.cell().size())
                        .thenComparingInt(c -> c.cell().connections()).thenComparing(c -> c.cell().impl()))
                .toList();
    }

    private void table(StringBuilder b, List<CellSummary> variants, String what) {
        b.append("| pattern | size | connections | implementation | rate, msg/s | CPU us/msg, binding / connecting side |\n");
        b.append("| --- | ---: | ---: | --- | --- | --- |\n");
        for (CellSummary v : variants) {
            Optional<CellSummary> base = twin(v);
            RunLog.Cell c = v.cell();
            b.append("| ").append(CellSummary.Pattern.of(c.pattern()).title).append(" | ").append(LoopsMarkdown.size(c.size()))
                    .append(" | ").append(c.connections()).append(" | ").append(LoopsMarkdown.shortName(c.impl())).append(" | ");
            if (base.isPresent()) {
                CellSummary m = base.get();
                b.append(LoopsMarkdown.rate(m.perSecond())).append(" -> ").append(LoopsMarkdown.rate(v.perSecond()))
                        .append(String.format(Locale.ROOT, " (%.2fx)", v.perSecond() / m.perSecond())).append(" | ")
                        .append(LoopsMarkdown.micros(m.binderCpuMicros())).append(" / ").append(LoopsMarkdown.micros(m.connecterCpuMicros()))
                        .append(" -> ").append(LoopsMarkdown.micros(v.binderCpuMicros())).append(" / ")
                        .append(LoopsMarkdown.micros(v.connecterCpuMicros())).append(" |\n");
            } else {
                b.append(LoopsMarkdown.rate(v.perSecond())).append(" (no main-run twin) | ")
                        .append(LoopsMarkdown.micros(v.binderCpuMicros())).append(" / ")
                        .append(LoopsMarkdown.micros(v.connecterCpuMicros())).append(" |\n");
            }
        }
        b.append('\n');
    }

    /** The main-run cell (one thread, main Java) with the same implementation, pattern, size and connections. */
    private Optional<CellSummary> twin(CellSummary v) {
        RunLog.Cell c = v.cell();
        List<CellSummary> found = new ArrayList<>();
        for (CellSummary x : cells) {
            RunLog.Cell k = x.cell();
            if (x.ok() && k.impl().equals(c.impl()) && k.pattern().equals(c.pattern()) && k.size() == c.size()
                    && k.connections() == c.connections() && k.threads() == 1 && k.java().equals(mainJava)) {
                found.add(x);
            }
        }
        return found.stream().findFirst();
    }
}
