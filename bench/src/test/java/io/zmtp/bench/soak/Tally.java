package io.zmtp.bench.soak;

/**
 * What one pattern's soak counted. {@code lost} and {@code duplicated} are measured at the
 * receiver against what was sent; {@code broken} counts messages that arrived partial, corrupt
 * or out of order (ZeroMQ promises none); {@code faults} says what was injected.
 */
record Tally(String pattern, long sent, long received, long lost, long duplicated, long broken, String faults,
             String note) {

    String row() {
        return "| " + pattern + " | " + sent + " | " + received + " | " + lost + " | " + duplicated + " | " + broken
                + " | " + faults + " | " + note + " |";
    }
}
