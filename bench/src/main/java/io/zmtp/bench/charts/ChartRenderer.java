package io.zmtp.bench.charts;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Draws one {@link ChartSpec} with JFreeChart into a PNG file of {@value #WIDTH} x {@value #HEIGHT}
 * pixels, off screen (java.awt.headless), so that a run on a server draws its own charts.
 */
final class ChartRenderer {
    static final int WIDTH = 900;
    static final int HEIGHT = 500;
    /** One colour per implementation, the same on every chart. */
    private static final Map<String, Color> COLOURS = Map.of(
            CompareChartSpecs.OURS_NIO, new Color(0x1f77b4),
            CompareChartSpecs.OURS_EPOLL, new Color(0x9467bd),
            CompareChartSpecs.LIBZMQ, new Color(0xff7f0e),
            CompareChartSpecs.JEROMQ, new Color(0x2ca02c));

    private ChartRenderer() {
    }

    static void render(ChartSpec spec, DefaultCategoryDataset data, Path file) throws IOException {
        JFreeChart chart = spec.bars()
                ? ChartFactory.createBarChart(spec.title(), spec.categoryLabel(), spec.valueLabel(), data, PlotOrientation.VERTICAL, true, false, false)
                : ChartFactory.createLineChart(spec.title(), spec.categoryLabel(), spec.valueLabel(), data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        double smallest = smallest(data);
        if (spec.log()) {
            LogAxis axis = new LogAxis(spec.valueLabel());
            axis.setBase(10);
            axis.setTickUnit(new NumberTickUnit(1)); // one label a decade, minor ticks between
            axis.setMinorTickCount(9);
            axis.setMinorTickMarksVisible(true);
            axis.setNumberFormatOverride(NumberFormat.getCompactNumberInstance(Locale.US, NumberFormat.Style.SHORT));
            axis.setSmallestValue(smallest / 2);
            plot.setRangeAxis(axis);
        }
        CategoryItemRenderer renderer = plot.getRenderer();
        if (renderer instanceof BarRenderer bars) {
            // Each bar says its figure: a log axis labels only the decades.
            NumberFormat figure = NumberFormat.getCompactNumberInstance(Locale.US, NumberFormat.Style.SHORT);
            figure.setMaximumFractionDigits(2);
            bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", figure));
            bars.setDefaultItemLabelsVisible(true);
            bars.setBarPainter(new StandardBarPainter());
            bars.setShadowVisible(false);
            bars.setItemMargin(0.03);
            if (spec.log()) {
                bars.setBase(smallest / 2); // a log axis has no zero for bars to stand on
            }
        }
        if (renderer instanceof LineAndShapeRenderer lines) {
            lines.setDefaultShapesVisible(true);
        }
        for (int row = 0; row < data.getRowCount(); row++) {
            renderer.setSeriesPaint(row, COLOURS.getOrDefault((String) data.getRowKey(row), Color.GRAY));
            renderer.setSeriesStroke(row, new BasicStroke(2f));
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** The smallest figure drawn (1 when none is positive): the floor of a log axis. */
    private static double smallest(DefaultCategoryDataset data) {
        double min = Double.MAX_VALUE;
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number v = data.getValue(r, c);
                if (v != null && v.doubleValue() > 0) {
                    min = Math.min(min, v.doubleValue());
                }
            }
        }
        return min == Double.MAX_VALUE ? 1 : min;
    }
}
