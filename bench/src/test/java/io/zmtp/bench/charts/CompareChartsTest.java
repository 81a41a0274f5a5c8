package io.zmtp.bench.charts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PNG files of the expected size, the section in its place, and no stale chart left linked or lying about. */
class CompareChartsTest {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void theRendererWritesAPngOfTheExpectedSize(@TempDir Path dir) throws Exception {
        List<ResultRow> rows = ResultsTable.parse(ResultsTableTest.SAMPLE);
        for (ChartSpec spec : CompareChartSpecs.of(rows)) {
            var data = ChartData.of(spec, rows);
            if (data.getRowCount() == 0) {
                continue;
            }
            Path file = dir.resolve(spec.file());
            ChartRenderer.render(spec, data, file);
            BufferedImage image = ImageIO.read(file.toFile());
            assertNotNull(image, spec.file());
            assertEquals(ChartRenderer.WIDTH, image.getWidth(), spec.file());
            assertEquals(ChartRenderer.HEIGHT, image.getHeight(), spec.file());
        }
    }

    @Test
    void drawsLinksAndPlacesTheSectionAfterTheTargets(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("BENCHMARKS.md");
        Files.writeString(md, ResultsTableTest.SAMPLE + "\n<!-- profile:begin -->\n## Where the time goes\n<!-- profile:end -->\n");
        Path charts = dir.resolve("docs/benchmarks");
        Files.createDirectories(charts);
        Files.writeString(charts.resolve("compare-ws-latency.png"), "a chart of an earlier run");

        String section = CompareCharts.write(md, charts);

        assertTrue(Files.size(charts.resolve("compare-tcp-throughput.png")) > 0);
        assertTrue(section.contains("![PUSH/PULL throughput over TCP](docs/benchmarks/compare-tcp-throughput.png)"), section);
        assertTrue(section.contains("the run of 2026-12-07 06:25:00 UTC"), section);
        // The sample has no ws latency figure: no chart, and the earlier one is gone.
        assertFalse(Files.exists(charts.resolve("compare-ws-latency.png")));
        assertTrue(section.contains("Not drawn, the table having none of their figures: REQ/REP latency over ws (one way)."), section);
        String text = Files.readString(md);
        assertTrue(text.contains("- **met**: something\n\n" + ChartsSection.BEGIN + "\n## Charts\n"), text);
        assertTrue(text.contains(ChartsSection.END + "\n\n<!-- profile:begin -->\n"), text);

        // A second run replaces the section rather than adding one.
        CompareCharts.write(md, charts);
        String again = Files.readString(md);
        assertEquals(text, again);
        assertEquals(1, again.split(ChartsSection.BEGIN, -1).length - 1);
    }

    @Test
    void withoutTargetsOrMarkersTheSectionIsAppended() {
        String section = ChartsSection.render(Optional.empty(), List.of(new ChartsSection.Link("t", "p.png")), List.of());
        assertEquals("# B\n\ntext\n\n" + section, ChartsSection.splice("# B\n\ntext\n", section));
        assertTrue(section.contains("![t](p.png)"), section);
        assertFalse(section.contains("the run of"), section);
    }
}
