package io.zmtp.bench.charts;

import org.jfree.data.category.DefaultCategoryDataset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Picks a chart's values out of the Results table: each one is a figure of the table, copied
 * as it stands; a cell without a figure leaves a gap. Categories run by message size, then in
 * the order of the spec's picks, so the x axis reads left to right like the table.
 */
final class ChartData {
    private ChartData() {
    }

    private record Point(String series, String category, long bytes, int pick, double value) {
    }

    /** The dataset of {@code spec}: empty (no row, no column) when the table has none of its figures. */
    static DefaultCategoryDataset of(ChartSpec spec, List<ResultRow> rows) {
        List<Point> points = new ArrayList<>();
        for (int p = 0; p < spec.picks().size(); p++) {
            ChartSpec.Pick pick = spec.picks().get(p);
            for (ResultRow row : rows) {
                OptionalDouble v = row.figure(pick.column());
                if (row.cell().equals(pick.cell()) && v.isPresent()) {
                    points.add(new Point(pick.series(), pick.category(row), row.bytes().orElse(Long.MAX_VALUE), p, v.getAsDouble()));
                }
            }
        }
        Set<String> series = new LinkedHashSet<>();
        for (ChartSpec.Pick pick : spec.picks()) {
            if (points.stream().anyMatch(pt -> pt.series().equals(pick.series()))) {
                series.add(pick.series());
            }
        }
        Set<String> categories = new LinkedHashSet<>();
        points.stream().sorted(Comparator.comparingLong(Point::bytes).thenComparingInt(Point::pick))
                .forEach(pt -> categories.add(pt.category()));
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        // Every key first, in order (a null value draws nothing), then the figures.
        for (String s : series) {
            for (String c : categories) {
                data.addValue((Number) null, s, c);
            }
        }
        for (Point pt : points) {
            if (data.getValue(pt.series(), pt.category()) != null) {
                throw new IllegalStateException(spec.file() + ": two figures for " + pt.series() + " at " + pt.category());
            }
            data.setValue(pt.value(), pt.series(), pt.category());
        }
        return data;
    }
}
