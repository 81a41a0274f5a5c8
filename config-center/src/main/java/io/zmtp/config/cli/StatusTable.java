package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;

/** Prints the server's status (the admin {@code status} result) as a table, for the CLI and the demo. */
final class StatusTable {
    private StatusTable() {
    }

    /** Prints the table; returns true when every row's node holds the latest revision with the right digest. */
    static boolean print(JsonNode status, PrintStream out) {
        String fmt = "%-10s %-14s %8s %8s  %-16s %-9s %s%n";
        out.printf(fmt, "NODE", "NAMESPACE", "REVISION", "LATEST", "DIGEST", "DIGEST OK", "LAST SEEN");
        boolean all = true;
        for (JsonNode row : status.path("nodes")) {
            String digest = row.path("digest").asText();
            boolean ok = row.path("digestOk").asBoolean();
            all &= ok;
            out.printf(fmt, row.path("node").asText(), row.path("ns").asText(), row.path("rev").asLong(),
                    row.path("latest").asLong(), digest.isEmpty() ? "-" : digest.substring(0, Math.min(16, digest.length())),
                    ok ? "yes" : "NO", row.path("lastSeen").asText());
        }
        JsonNode refused = status.path("refused");
        if (refused.size() > 0) {
            out.println();
            out.println("REFUSED CONNECTIONS");
            for (JsonNode r : refused) {
                out.printf("  %-12s from %-15s %-22s at %s%n", r.path("user").asText().isEmpty() ? "(none)" : r.path("user").asText(),
                        r.path("address").asText(), r.path("reason").asText(), r.path("at").asText());
            }
        }
        return all;
    }
}
