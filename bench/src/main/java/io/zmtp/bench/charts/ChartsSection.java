package io.zmtp.bench.charts;

import java.util.List;
import java.util.Optional;

/**
 * The Charts section of BENCHMARKS.md and where it goes: between {@value #BEGIN} and
 * {@value #END}, like the sections other scripts keep there, placed after the Targets section
 * (before whatever section follows it) when the markers are not there yet.
 */
final class ChartsSection {
    static final String BEGIN = "<!-- charts:begin -->";
    static final String END = "<!-- charts:end -->";
    private static final String DATE = "- date: ";

    private ChartsSection() {
    }

    /** A chart drawn, as the section links it: its title and its path from BENCHMARKS.md. */
    record Link(String title, String path) {
    }

    static String render(Optional<String> runDate, List<Link> drawn, List<String> notDrawn) {
        StringBuilder b = new StringBuilder(BEGIN).append("\n## Charts\n\n");
        b.append("Drawn by `io.zmtp.bench.charts.CompareCharts` (JFreeChart) from the Results table above")
                .append(runDate.map(d -> ", the run of " + d).orElse(""))
                .append(": every point is a figure of that table, and a cell it shows as — or FAILED is left out.")
                .append(" Throughput and handshake axes are logarithmic; latency is one way, as in the table.\n\n");
        for (Link l : drawn) {
            b.append("![").append(l.title()).append("](").append(l.path()).append(")\n\n");
        }
        if (!notDrawn.isEmpty()) {
            b.append("Not drawn, the table having none of their figures: ").append(String.join("; ", notDrawn)).append(".\n\n");
        }
        return b.append(END).append('\n').toString();
    }

    /** The run's date as the Machine and run section gives it, if it does. */
    static Optional<String> runDate(String markdown) {
        return markdown.lines().filter(l -> l.startsWith(DATE)).findFirst().map(l -> l.substring(DATE.length()).strip());
    }

    /** {@code text} with its Charts section replaced by {@code section}, or with it put in place. */
    static String splice(String text, String section) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin >= 0 && end > begin) {
            int after = end + END.length();
            if (after < text.length() && text.charAt(after) == '\n') {
                after++;
            }
            return text.substring(0, begin) + section + text.substring(after);
        }
        List<String> lines = text.lines().toList();
        int targets = lines.indexOf("## Targets");
        if (targets >= 0) {
            for (int i = targets + 1; i < lines.size(); i++) {
                if (lines.get(i).startsWith("## ") || lines.get(i).startsWith("<!-- ")) {
                    String head = String.join("\n", lines.subList(0, i)) + "\n";
                    String tail = String.join("\n", lines.subList(i, lines.size())) + (text.endsWith("\n") ? "\n" : "");
                    return head + section + "\n" + tail;
                }
            }
        }
        String sep = text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
        return text + sep + section;
    }
}
