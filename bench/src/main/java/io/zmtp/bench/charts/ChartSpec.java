package io.zmtp.bench.charts;

import java.util.List;

/**
 * One chart: the PNG file it goes to, its titles, and the table figures it plots ({@link Pick}s).
 * Lines suit a figure against message size; bars suit a handful of cells side by side. A log
 * scale puts 16 B and 64 KiB rates, three orders of magnitude apart, on one chart.
 */
record ChartSpec(String file, String title, String categoryLabel, String valueLabel, boolean log, boolean bars, List<Pick> picks) {
    ChartSpec {
        picks = List.copyOf(picks);
    }

    /**
     * The figures of {@code column} in every row labelled {@code cell}, drawn as {@code series}; each
     * at the category of its row's size ("16 B"), followed by {@code group} when there is one
     * ("16 B, 10 SUBs"), or at {@code group} alone for a row without a size.
     */
    record Pick(String series, String cell, Column column, String group) {
        String category(ResultRow row) {
            String size = row.bytes().isPresent() ? row.size() + " B" : "";
            if (group == null || group.isEmpty()) {
                return size.isEmpty() ? row.cell() : size;
            }
            return size.isEmpty() ? group : size + ", " + group;
        }
    }
}
