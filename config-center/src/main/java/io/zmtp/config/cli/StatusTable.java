package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.zmtp.codec.UntrustedText;

import java.io.PrintStream;

/** Prints the server's status (the admin {@code status} result) as a table, for the CLI and the demo. */
final class StatusTable {
    private static final int FIELD_MAX = 64;
    private static final String REFUSED = "  %-16s %-15s %-12s %6s  %-28s %-24s %s%n";

    private StatusTable() {
    }

    /** A field as the table shows it: whatever the server sent, escaped (a peer's user name, say). */
    static String shown(JsonNode row, String field) {
        return UntrustedText.of(row.path(field).asText(), FIELD_MAX);
    }

    /**
     * Prints the table; returns true when every row's node holds the latest revision with the right
     * digest. DIGEST OK is about the revision the node holds (a node that is behind but intact shows
     * "yes" and "behind" in STATE); a server from before {@code upToDate} is read from REV = LATEST.
     */
    static boolean print(JsonNode status, PrintStream out) {
        String fmt = "%-10s %-14s %8s %8s %-7s %-16s %-9s %-8s %-30s %s%n";
        out.printf(fmt, "NODE", "NAMESPACE", "REV", "LATEST", "GRAY", "DIGEST", "DIGEST OK", "STATE", "LAST SEEN", "ERROR");
        boolean all = true;
        for (JsonNode row : status.path("nodes")) {
            String digest = row.path("digest").asText();
            boolean ok = row.path("digestOk").asBoolean();
            boolean current = row.has("upToDate") ? row.path("upToDate").asBoolean()
                    : row.path("rev").asLong() == row.path("latest").asLong();
            all &= ok && current;
            // A node an open gray release selected: r<G> once it runs the gray revision, r<G>? before.
            String gray = !row.has("grayRev") ? "-"
                    : "r" + row.path("grayRev").asLong() + (row.path("gray").asBoolean() ? "" : "?");
            out.printf(fmt, shown(row, "node"), shown(row, "ns"), row.path("rev").asLong(),
                    row.path("latest").asLong(), gray, digest.isEmpty() ? "-" : UntrustedText.of(digest, 16),
                    ok ? "yes" : "NO", current ? "current" : "behind", shown(row, "lastSeen"),
                    UntrustedText.of(row.path("error").asText(""), 300));
        }
        JsonNode refused = status.path("refused");
        if (refused.size() > 0) {
            out.println();
            out.println("REFUSED CONNECTIONS");
            out.printf(REFUSED, "USER", "ADDRESS", "PORTS", "COUNT", "REASON", "FIRST", "LAST");
            for (JsonNode r : refused) {
                String user = r.path("otherUsers").asBoolean() ? "(other users)"
                        : r.path("user").asText().isEmpty() ? "(none)" : shown(r, "user");
                out.printf(REFUSED, user, shown(r, "address"), shown(r, "ports"), r.path("count").asLong(1),
                        shown(r, "reason"), r.has("first") ? shown(r, "first") : shown(r, "at"), shown(r, "at"));
            }
            long evicted = status.path("refusedEvicted").asLong();
            if (evicted > 0) {
                out.println("  (" + evicted + " older entries dropped to keep this list bounded; "
                        + status.path("refusedTotal").asLong() + " refusals in all)");
            }
        }
        return all;
    }
}
