package io.zmtp.bench.charts;

import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code CompareCharts <BENCHMARKS.md> <charts-dir>}: draws the charts of the bench/compare.sh run
 * whose Results table the file holds into PNG files in the directory, and puts the Charts section
 * linking them into the file (printing it too). bench/compare.sh runs it on the file it has just
 * written, so every run redraws its own charts; run by hand it redraws those of any such file.
 * A chart the table has no figure for is not drawn, and its old file is removed, so no chart
 * of an earlier run stays beside the figures of this one.
 */
public final class CompareCharts {
    private CompareCharts() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length != 2) {
            System.err.println("usage: CompareCharts <BENCHMARKS.md> <charts-dir>");
            System.exit(2);
        }
        try {
            System.out.print(write(Path.of(args[0]), Path.of(args[1])));
        } catch (IllegalArgumentException e) {
            System.err.println("CompareCharts: " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /** Draws the charts of {@code benchmarks} into {@code dir}, splices the section in; returns the section. */
    static String write(Path benchmarks, Path dir) throws IOException {
        String text = Files.readString(benchmarks, StandardCharsets.UTF_8);
        List<ResultRow> rows = ResultsTable.parse(text);
        Files.createDirectories(dir);
        Path from = benchmarks.toAbsolutePath().normalize().getParent();
        List<ChartsSection.Link> drawn = new ArrayList<>();
        List<String> notDrawn = new ArrayList<>();
        for (ChartSpec spec : CompareChartSpecs.of(rows)) {
            Path file = dir.resolve(spec.file());
            DefaultCategoryDataset data = ChartData.of(spec, rows);
            if (data.getRowCount() == 0) {
                Files.deleteIfExists(file);
                notDrawn.add(spec.title());
                continue;
            }
            ChartRenderer.render(spec, data, file);
            drawn.add(new ChartsSection.Link(spec.title(), from.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/')));
        }
        String section = ChartsSection.render(ChartsSection.runDate(text), drawn, notDrawn);
        Files.writeString(benchmarks, ChartsSection.splice(text, section), StandardCharsets.UTF_8);
        return section;
    }
}
