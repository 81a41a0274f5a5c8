package io.zmtp.bench.charts;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One row of the Results table: its cell label, its size column as written ({@code 16}, or
 * {@code —} for the handshake rows) and the figures it holds; a figure shown as {@code —} or
 * {@code FAILED} is absent, so that no chart draws a point the table does not give.
 */
record ResultRow(String cell, String size, Map<Column, Double> figures) {
    ResultRow {
        figures = Map.copyOf(figures);
    }

    OptionalDouble figure(Column column) {
        Double v = figures.get(column);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The message size in bytes, or empty when the row has none. */
    OptionalLong bytes() {
        return size.chars().allMatch(Character::isDigit) && !size.isEmpty()
                ? OptionalLong.of(Long.parseLong(size)) : OptionalLong.empty();
    }
}
