package io.zmtp.bench.loops;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The report's charts, drawn with JFreeChart into PNG files: grouped bars, one group per cell
 * (size and connections), one bar per implementation, on a logarithmic axis because 16 B and
 * 64 KiB rates lie three orders of magnitude apart.
 */
final class LoopCharts {
    static final int WIDTH = 1200;
    static final int HEIGHT = 520;
    private static final Color[] COLORS = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x7f7f7f), new Color(0x9467bd)};

    private LoopCharts() {
    }

    /** Draws {@code value} of each summary (skipping failed and zero ones) as grouped bars. */
    static void bars(Path file, String title, String axisLabel, List<CellSummary> cells, List<String> impls,
                     ToDoubleFunction<CellSummary> value) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double min = Double.MAX_VALUE;
        for (CellSummary c : cells) {
            double v = c.ok() ? value.applyAsDouble(c) : 0;
            if (v > 0) {
                data.addValue(v, c.cell().impl(), group(c.cell()));
                min = Math.min(min, v);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, null, axisLabel, data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        LogAxis axis = new LogAxis(axisLabel);
        axis.setBase(10);
        axis.setTickUnit(new NumberTickUnit(1)); // a label per decade, with minor ticks between
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(new Compact());
        axis.setSmallestValue(min == Double.MAX_VALUE ? 1 : min / 2);
        plot.setRangeAxis(axis);
        CategoryAxis categories = plot.getDomainAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        renderer.setBase(min == Double.MAX_VALUE ? 1 : min / 2);
        for (int i = 0; i < impls.size(); i++) {
            int row = data.getRowIndex(impls.get(i));
            if (row >= 0) {
                renderer.setSeriesPaint(row, COLORS[i % COLORS.length]);
            }
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Axis labels as people write rates: 10 k, 1 M, 0.1. */
    static final class Compact extends NumberFormat {
        @Override
        public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
            return to.append(LoopsMarkdown.compact(v));
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("labels only");
        }
    }

    /** The group label of a cell: its size and connection count. */
    static String group(RunLog.Cell c) {
        return LoopsMarkdown.size(c.size()) + " x" + c.connections();
    }
}
