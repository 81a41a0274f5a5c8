package io.zmtp.bench.charts;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the table under {@value #HEADING} in the BENCHMARKS.md that bench/compare.sh writes: its
 * cells are the medians of the run, and the charts are drawn from them and nothing else, so any
 * point on a chart can be found in the table. Columns are found by their header, not their
 * place; a figure that is neither a number nor {@code —}/{@code FAILED} is refused with its
 * line number rather than skipped, since a silently dropped point would misdraw a chart.
 */
final class ResultsTable {
    static final String HEADING = "## Results";

    private ResultsTable() {
    }

    static List<ResultRow> parse(String markdown) {
        List<String> lines = markdown.lines().toList();
        int at = 0;
        while (at < lines.size() && !lines.get(at).strip().equals(HEADING)) {
            at++;
        }
        if (at == lines.size()) {
            throw new IllegalArgumentException("no '" + HEADING + "' section");
        }
        at++;
        while (at < lines.size() && !lines.get(at).startsWith("|") && !lines.get(at).startsWith("## ")) {
            at++;
        }
        if (at + 1 >= lines.size() || !lines.get(at).startsWith("|")) {
            throw new IllegalArgumentException("no table under '" + HEADING + "'");
        }
        List<String> header = cells(lines.get(at));
        int cell = column(header, "cell");
        int size = column(header, "size [B]");
        Map<Column, Integer> figures = new EnumMap<>(Column.class);
        for (Column c : Column.values()) {
            figures.put(c, column(header, c.header));
        }
        List<ResultRow> rows = new ArrayList<>();
        // The line after the header is the alignment rule.
        for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> row = cells(lines.get(i));
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + row.size() + " cells, the header has " + header.size());
            }
            Map<Column, Double> values = new EnumMap<>(Column.class);
            for (Map.Entry<Column, Integer> f : figures.entrySet()) {
                Double v = figure(row.get(f.getValue()), i + 1);
                if (v != null) {
                    values.put(f.getKey(), v);
                }
            }
            rows.add(new ResultRow(row.get(cell), row.get(size), values));
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) {
            cells.add(c.strip());
        }
        return cells;
    }

    private static int column(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("the Results table has no '" + name + "' column: " + header);
        }
        return i;
    }

    /** A figure, or null for a cell without one ({@code —}: not measured; {@code FAILED}). */
    private static Double figure(String text, int line) {
        if (text.equals("—") || text.equals("-") || text.equals("FAILED")) {
            return null;
        }
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("line " + line + ": '" + text + "' is not a figure");
    }
}
