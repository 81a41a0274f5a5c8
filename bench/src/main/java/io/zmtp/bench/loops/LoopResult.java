package io.zmtp.bench.loops;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one side of a cell measured in its window, as the one line it prints
 * ({@code loops-result role=pull messages=... seconds=... cpu_seconds=... p50_us=...}) and
 * parses back; the C peer prints the same line. Latency is absent ("-") on sides that measure none.
 */
record LoopResult(String role, long messages, double seconds, double cpuSeconds, Latency latency) {
    static final String PREFIX = "loops-result";

    /** Latency percentiles in microseconds. */
    record Latency(double p50, double p99, double p999, double max) {
        static Latency of(Histogram h) {
            return new Latency(h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
        }
    }

    double perSecond() {
        return seconds <= 0 ? 0 : messages / seconds;
    }

    /** Microseconds of this process's CPU per message it handled in the window. */
    double cpuMicrosPerMessage() {
        return messages == 0 ? 0 : cpuSeconds * 1e6 / messages;
    }

    String line() {
        StringBuilder b = new StringBuilder(PREFIX);
        b.append(" role=").append(role).append(" messages=").append(messages)
                .append(String.format(Locale.ROOT, " seconds=%.3f cpu_seconds=%.3f", seconds, cpuSeconds));
        if (latency == null) {
            b.append(" p50_us=- p99_us=- p999_us=- max_us=-");
        } else {
            b.append(String.format(Locale.ROOT, " p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f",
                    latency.p50, latency.p99, latency.p999, latency.max));
        }
        return b.toString();
    }

    /** Parses a line printed by {@link #line} (or the C peer). */
    static LoopResult parse(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 0 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not a " + PREFIX + " line: " + line);
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed field '" + parts[i] + "' in: " + line);
            }
            kv.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        try {
            Latency lat = null;
            if (!"-".equals(kv.getOrDefault("p50_us", "-"))) {
                lat = new Latency(num(kv, "p50_us"), num(kv, "p99_us"), num(kv, "p999_us"), num(kv, "max_us"));
            }
            return new LoopResult(req(kv, "role"), Long.parseLong(req(kv, "messages")), num(kv, "seconds"),
                    num(kv, "cpu_seconds"), lat);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed number in: " + line, e);
        }
    }

    private static String req(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private static double num(Map<String, String> kv, String key) {
        return Double.parseDouble(req(kv, key));
    }
}
