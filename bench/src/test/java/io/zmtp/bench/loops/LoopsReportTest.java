package io.zmtp.bench.loops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report of bench/loops.sh from a log written here: medians, CSV, charts, the section in place. */
class LoopsReportTest {

    private static String result(String role, long messages, String latency) {
        return "loops-result role=" + role + " messages=" + messages + " seconds=2.000 cpu_seconds=1.000 " + latency;
    }

    private static final String NO_LATENCY = "p50_us=- p99_us=- p999_us=- max_us=-";

    /** Three runs of PUSH/PULL 16 B x1 per backend with the rates given, a failed io_uring run, libzmq once. */
    private static List<String> log() {
        List<String> l = new ArrayList<>(List.of(
                "meta command bench/loops.sh (test)", "meta started 2026-12-04 00:00:00 UTC", "meta java_main 17",
                "meta runs 3", "meta warmup 1", "meta measure 2"));
        long[][] rates = {{2_000_000, 6_000_000, 4_000_000}, {3_000_000, 3_200_000, 3_100_000}};
        String[] impls = {"ours-nio", "ours-epoll"};
        for (int i = 0; i < impls.length; i++) {
            for (int run = 1; run <= 3; run++) {
                l.add("cell impl=" + impls[i] + " java=17 threads=1 pattern=push-pull size=16 connections=1 run=" + run);
                l.add(result("pull", rates[i][run - 1] * 2, "p50_us=10.00 p99_us=" + (20 * run) + ".00 p999_us=90.00 max_us=99.00"));
                l.add(result("push", rates[i][run - 1] * 2, NO_LATENCY));
            }
        }
        l.add("cell impl=ours-io_uring java=17 threads=1 pattern=push-pull size=16 connections=1 run=1");
        l.add("failed pull exit 255, push exit 255: IO_URING cannot run on this machine");
        l.add("cell impl=libzmq java=17 threads=1 pattern=push-pull size=16 connections=1 run=1");
        l.add(result("pull", 10_000_000, "p50_us=5.00 p99_us=8.00 p999_us=9.00 max_us=9.50"));
        l.add(result("push", 10_000_000, NO_LATENCY));
        l.add("cell impl=ours-nio java=17 threads=2 pattern=push-pull size=16 connections=1 run=1");
        l.add(result("pull", 9_000_000, "p50_us=10.00 p99_us=20.00 p999_us=90.00 max_us=99.00"));
        l.add(result("push", 9_000_000, NO_LATENCY));
        return l;
    }

    @Test
    void mediansAndFailuresPerCell() {
        List<CellSummary> cells = CellSummary.of(RunLog.parse(log()).runs());
        CellSummary nio = cells.stream().filter(c -> c.cell().impl().equals("ours-nio") && c.cell().threads() == 1).findFirst().orElseThrow();
        assertEquals(4_000_000, nio.perSecond(), 1e-6); // median of 2M, 6M, 4M
        assertEquals(40, nio.latency().p99(), 1e-9);    // median of 20, 40, 60
        assertEquals(0.125, nio.binderCpuMicros(), 1e-9); // 1 s of CPU over 4M, 12M, 8M messages: the median
        CellSummary uring = cells.stream().filter(c -> c.cell().impl().equals("ours-io_uring")).findFirst().orElseThrow();
        assertFalse(uring.ok());
        assertTrue(uring.failure().contains("cannot run"));
        assertEquals(2.5, CellSummary.median(new double[] {4, 1, 2, 3}), 1e-9);
    }

    @Test
    void writesCsvChartsAndReplacesItsSectionOnly(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("BENCHMARKS.md");
        Files.writeString(md, "# Benchmarks\n\nbefore\n\n" + LoopsMarkdown.BEGIN + "\nold section\n" + LoopsMarkdown.END + "\n\nafter\n");
        Path results = dir.resolve("results");
        String section = LoopsReport.write(RunLog.parse(log()), results, md);

        String text = Files.readString(md);
        assertTrue(text.startsWith("# Benchmarks\n\nbefore\n\n" + LoopsMarkdown.BEGIN), text);
        assertTrue(text.endsWith(LoopsMarkdown.END + "\n\nafter\n"), text);
        assertFalse(text.contains("old section"));
        assertTrue(section.contains("| 16 B | 1 | 4.00 M / 3.10 M / failed / **5.00 M** |"), section);
        assertTrue(section.contains("IO_URING cannot run on this machine"), section);
        assertTrue(section.contains("(results/loops-push-pull.png)"), section);
        assertTrue(section.contains("4.00 M -> 4.50 M (1.13x)"), section); // two loop threads against one
        assertTrue(section.contains("highest rate nio in 1 of 1"), section);

        List<String> csv = Files.readAllLines(results.resolve(LoopsReport.RUNS_CSV));
        assertEquals(1 + 6 + 1 + 1 + 1, csv.size());
        int columns = csv.get(0).split(",", -1).length;
        for (String row : csv) {
            assertEquals(columns, row.split(",", -1).length, row);
        }
        byte[] png = Files.readAllBytes(results.resolve("loops-push-pull.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        for (String none : List.of("loops-pub-sub.png", "loops-latency.png")) {
            assertFalse(Files.exists(results.resolve(none)), "no chart for patterns that did not run: " + none);
        }
    }

    @Test
    void appendsTheSectionWhenTheMarkersAreNotThere() {
        String out = LoopsReport.splice("# Benchmarks\n", LoopsMarkdown.BEGIN + "\nx\n" + LoopsMarkdown.END + "\n");
        assertEquals("# Benchmarks\n\n" + LoopsMarkdown.BEGIN + "\nx\n" + LoopsMarkdown.END + "\n", out);
    }

    @Test
    void aBrokenLogSaysWhichLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunLog.parse(List.of("meta a b", "loops-result role=pull messages=1 seconds=1 cpu_seconds=1")));
        assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunLog.parse(List.of("something else")));
        assertThrows(IllegalArgumentException.class, () -> LoopResult.parse("loops-result role=pull messages=x seconds=1 cpu_seconds=1"));
    }
}
