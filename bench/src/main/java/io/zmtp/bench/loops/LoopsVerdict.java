package io.zmtp.bench.loops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "Where each backend wins", computed from the medians of the main run: per pattern, how many
 * rows each of our backends had the highest rate in, how each compares with NIO (the median of
 * the per-row ratios), which used the least CPU per message on the binding side (the one socket
 * that serves every connection), and the best of ours against libzmq where libzmq ran the row.
 */
final class LoopsVerdict {
    private final LoopsMarkdown report;

    LoopsVerdict(LoopsMarkdown report) {
        this.report = report;
    }

    String render() {
        StringBuilder b = new StringBuilder("### Where each backend wins on this machine\n\n");
        b.append("Computed from the medians above (the main run: one loop thread, Java ").append(report.mainJava())
                .append("). A row is one size and connection count.\n\n");
        for (CellSummary.Pattern p : CellSummary.Pattern.values()) {
            List<List<CellSummary>> rows = report.rows(report.mainCells(p));
            if (rows.isEmpty()) {
                continue;
            }
            Map<String, Integer> fastest = new LinkedHashMap<>();
            Map<String, Integer> leanest = new LinkedHashMap<>();
            Map<String, List<Double>> vsNio = new LinkedHashMap<>();
            List<Double> vsLibzmq = new ArrayList<>();
            int compared = 0;
            for (List<CellSummary> row : rows) {
                List<CellSummary> ours = row.stream().filter(c -> c.ok() && LoopsMarkdown.OURS.contains(c.cell().impl())).toList();
                if (ours.size() < 2) {
                    continue;
                }
                compared++;
                CellSummary best = ours.stream().max(Comparator.comparingDouble(CellSummary::perSecond)).orElseThrow();
                fastest.merge(LoopsMarkdown.shortName(best.cell().impl()), 1, Integer::sum);
                CellSummary lean = ours.stream().min(Comparator.comparingDouble(CellSummary::binderCpuMicros)).orElseThrow();
                leanest.merge(LoopsMarkdown.shortName(lean.cell().impl()), 1, Integer::sum);
                CellSummary nio = ours.stream().filter(c -> c.cell().impl().equals("ours-nio")).findFirst().orElse(null);
                if (nio != null && nio.perSecond() > 0) {
                    for (CellSummary c : ours) {
                        if (c != nio) {
                            vsNio.computeIfAbsent(LoopsMarkdown.shortName(c.cell().impl()), k -> new ArrayList<>())
                                    .add(c.perSecond() / nio.perSecond());
                        }
                    }
                }
                row.stream().filter(c -> c.ok() && c.cell().impl().equals("libzmq") && c.perSecond() > 0).findFirst()
                        .ifPresent(z -> vsLibzmq.add(best.perSecond() / z.perSecond()));
            }
            if (compared == 0) {
                continue;
            }
            b.append("- **").append(p.title).append("** (").append(compared).append(" rows): highest rate ")
                    .append(counts(fastest, compared)).append("; least CPU per message on the binding side ")
                    .append(counts(leanest, compared));
            if (!vsNio.isEmpty()) {
                b.append("; rate against NIO, median of the rows: ");
                List<String> parts = new ArrayList<>();
                vsNio.forEach((k, v) -> parts.add(k + " " + String.format(Locale.ROOT, "%.2fx", CellSummary.median(
                        v.stream().mapToDouble(Double::doubleValue).toArray()))));
                b.append(String.join(", ", parts));
            }
            if (!vsLibzmq.isEmpty()) {
                double[] r = vsLibzmq.stream().mapToDouble(Double::doubleValue).toArray();
                long ahead = vsLibzmq.stream().filter(x -> x >= 1).count();
                b.append(String.format(Locale.ROOT, "; the best of ours against libzmq: median %.2fx, ahead in %d of %d rows",
                        CellSummary.median(r), ahead, r.length));
            }
            b.append(".\n");
        }
        b.append('\n');
        return b.toString();
    }

    private static String counts(Map<String, Integer> m, int of) {
        List<String> parts = new ArrayList<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> parts.add(e.getKey() + " in " + e.getValue() + " of " + of));
        return String.join(", ", parts);
    }
}
