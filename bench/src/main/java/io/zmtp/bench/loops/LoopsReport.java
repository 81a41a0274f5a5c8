package io.zmtp.bench.loops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the log of a {@code bench/loops.sh} run into its report:
 * {@code LoopsReport <run-log> <results-dir> <benchmarks.md or ->}. Writes into the results
 * directory {@code loops-runs.csv} (every run) and one chart per pattern
 * ({@code loops-<pattern>.png}, plus {@code loops-latency.png}), and puts the Markdown section
 * between {@value LoopsMarkdown#BEGIN} and {@value LoopsMarkdown#END} in BENCHMARKS.md (appended
 * when the markers are not there yet), leaving the rest of the file as it is. Prints the section.
 */
public final class LoopsReport {
    static final String RUNS_CSV = "loops-runs.csv";

    private LoopsReport() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length != 3) {
            System.err.println("usage: LoopsReport <run-log> <results-dir> <benchmarks.md or ->");
            System.exit(1);
        }
        Path benchmarks = args[2].equals("-") ? null : Path.of(args[2]);
        String section = write(RunLog.read(Path.of(args[0])), Path.of(args[1]), benchmarks);
        System.out.print(section);
    }

    /** Writes the CSV and the charts into {@code dir}, the section into {@code benchmarks} (if any); returns the section. */
    static String write(RunLog log, Path dir, Path benchmarks) throws IOException {
        Files.createDirectories(dir);
        List<CellSummary> cells = CellSummary.of(log.runs());
        Files.writeString(dir.resolve(RUNS_CSV), csv(log), StandardCharsets.UTF_8);
        String imageDir = benchmarks == null ? dir.toString()
                : relative(benchmarks.toAbsolutePath().getParent(), dir.toAbsolutePath());
        LoopsMarkdown md = new LoopsMarkdown(log, cells, imageDir, RUNS_CSV);
        for (CellSummary.Pattern p : CellSummary.Pattern.values()) {
            List<CellSummary> pc = md.mainCells(p);
            if (!pc.isEmpty()) {
                LoopCharts.bars(dir.resolve("loops-" + p.id + ".png"), p.title + ": " + p.unit + " per second",
                        "msg/s (log scale)", pc, md.impls(), CellSummary::perSecond);
            }
        }
        List<CellSummary> roundTrips = new ArrayList<>(md.mainCells(CellSummary.Pattern.REQ_REP));
        roundTrips.addAll(md.mainCells(CellSummary.Pattern.ROUTER_DEALER));
        if (!roundTrips.isEmpty()) {
            LoopCharts.bars(dir.resolve("loops-latency.png"), "REQ/REP (x1) and ROUTER/DEALER: p99 round trip",
                    "us (log scale)", roundTrips, md.impls(), c -> c.latency() == null ? 0 : c.latency().p99());
        }
        String section = md.render();
        if (benchmarks != null) {
            Files.writeString(benchmarks, splice(Files.exists(benchmarks) ? Files.readString(benchmarks) : "", section),
                    StandardCharsets.UTF_8);
        }
        return section;
    }

    /** {@code text} with its loops section replaced by {@code section}, or with it appended. */
    static String splice(String text, String section) {
        int begin = text.indexOf(LoopsMarkdown.BEGIN);
        int end = text.indexOf(LoopsMarkdown.END);
        if (begin >= 0 && end > begin) {
            int after = end + LoopsMarkdown.END.length();
            if (after < text.length() && text.charAt(after) == '\n') {
                after++;
            }
            return text.substring(0, begin) + section + text.substring(after);
        }
        String sep = text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
        return text + sep + section;
    }

    /** One row per run, failed ones included (with their reason), for plotting elsewhere. */
    static String csv(RunLog log) {
        StringBuilder b = new StringBuilder("implementation,java,loop_threads,pattern,size_bytes,connections,run,"
                + "rate_msg_per_s,p50_us,p99_us,p999_us,max_us,binder_role,binder_messages,binder_seconds,binder_cpu_seconds,"
                + "connecter_role,connecter_messages,connecter_seconds,connecter_cpu_seconds,failure\n");
        for (RunLog.Run r : log.runs()) {
            RunLog.Cell c = r.cell();
            b.append(c.impl()).append(',').append(c.java()).append(',').append(c.threads()).append(',').append(c.pattern())
                    .append(',').append(c.size()).append(',').append(c.connections()).append(',').append(r.run()).append(',');
            if (!r.ok()) {
                // No quoting needed: the reason's commas and quotes are replaced.
                b.append(",,,,,,,,,,,,,").append(r.failure().replace(',', ';').replace('"', '\'')).append('\n');
                continue;
            }
            CellSummary.Pattern p = CellSummary.Pattern.of(c.pattern());
            LoopResult m = p.binderMeasures ? r.binder() : r.connecter();
            b.append(String.format(Locale.ROOT, "%.1f,", m.perSecond()));
            if (m.latency() == null) {
                b.append(",,,,");
            } else {
                b.append(String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f,", m.latency().p50(), m.latency().p99(),
                        m.latency().p999(), m.latency().max()));
            }
            side(b, r.binder());
            side(b, r.connecter());
            b.append('\n');
        }
        return b.toString();
    }

    private static void side(StringBuilder b, LoopResult s) {
        b.append(s.role()).append(',').append(s.messages()).append(',')
                .append(String.format(Locale.ROOT, "%.3f,%.3f,", s.seconds(), s.cpuSeconds()));
    }

    private static String relative(Path from, Path to) {
        return from.relativize(to).toString().replace('\\', '/');
    }
}
