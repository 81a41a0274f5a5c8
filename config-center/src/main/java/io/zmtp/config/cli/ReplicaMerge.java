package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.UntrustedText;
import io.zmtp.config.protocol.Wire;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What several replicas know, as one answer. Each replica knows only the nodes connected to it (and
 * what it read of the others' reports when it started), so {@code status}, {@code nodes} and a
 * rollout are asked of every listed server and merged by node, keeping each node's most recent
 * report.
 */
final class ReplicaMerge {
    private ReplicaMerge() {
    }

    /** The answers' results; servers that gave none are named on {@code err}; throws when none answered. */
    static List<ObjectNode> results(List<AdminClient.Answer> answers, PrintStream err) {
        return results(answers, err, new java.util.HashSet<>());
    }

    /** {@link #results(List, PrintStream)} naming each server left out once, across calls sharing {@code told}. */
    static List<ObjectNode> results(List<AdminClient.Answer> answers, PrintStream err, java.util.Set<String> told) {
        List<ObjectNode> out = new ArrayList<>();
        for (AdminClient.Answer a : answers) {
            if (a.reply() != null) {
                out.add(a.reply().header());
            } else if (answers.size() > 1 && told.add(a.server())) {
                err.println("config-center: " + UntrustedText.of(a.server()) + ": " + UntrustedText.of(a.error(), 500)
                        + " (left out)");
            }
        }
        if (out.isEmpty()) {
            AdminClient.Answer first = answers.get(0);
            throw new IllegalStateException(answers.size() == 1 ? first.error() : "no server answered");
        }
        return out;
    }

    /**
     * The {@code status} results merged: per (node, namespace) the row with the latest
     * {@code lastSeen}; {@code latest} is the highest any server gave for the namespace, and
     * {@code upToDate} is recomputed against it. Refused connections are listed from every server.
     */
    static ObjectNode status(List<ObjectNode> results) {
        if (results.size() == 1) {
            return results.get(0);
        }
        Map<String, ObjectNode> rows = new TreeMap<>();
        Map<String, Long> latest = new HashMap<>();
        ObjectNode out = Wire.object();
        ArrayNode refused = out.putArray("refused");
        long refusedTotal = 0;
        long refusedEvicted = 0;
        for (ObjectNode r : results) {
            for (JsonNode row : r.path("nodes")) {
                String key = row.path("node").asText() + "\u0000" + row.path("ns").asText();
                latest.merge(row.path("ns").asText(), row.path("latest").asLong(), Math::max);
                ObjectNode had = rows.get(key);
                if (had == null || seen(row).isAfter(seen(had))) {
                    rows.put(key, ((ObjectNode) row).deepCopy());
                }
            }
            r.path("refused").forEach(refused::add);
            refusedTotal += r.path("refusedTotal").asLong();
            refusedEvicted += r.path("refusedEvicted").asLong();
        }
        ArrayNode nodes = out.putArray("nodes");
        for (ObjectNode row : rows.values()) {
            long top = latest.get(row.path("ns").asText());
            row.put("latest", top);
            row.put("upToDate", row.path("rev").asLong() == top && row.path("rev").asLong() > 0);
            nodes.add(row);
        }
        out.put("refusedTotal", refusedTotal);
        out.put("refusedEvicted", refusedEvicted);
        return out;
    }

    /** The {@code nodes} results merged: per node, the latest {@code lastSeen}, online if any server says so. */
    static ObjectNode nodes(List<ObjectNode> results) {
        Map<String, ObjectNode> rows = new LinkedHashMap<>();
        for (ObjectNode r : results) {
            for (JsonNode row : r.path("nodes")) {
                String node = row.path("node").asText();
                ObjectNode had = rows.get(node);
                if (had == null) {
                    rows.put(node, ((ObjectNode) row).deepCopy());
                    continue;
                }
                boolean online = had.path("online").asBoolean() || row.path("online").asBoolean();
                if (seen(row).isAfter(seen(had))) {
                    had.set("lastSeen", row.path("lastSeen"));
                }
                had.put("online", online);
            }
        }
        ObjectNode out = Wire.object();
        ArrayNode list = out.putArray("nodes");
        rows.values().forEach(list::add);
        return out;
    }

    /** Rollout states merged per node: applied over failed over pending over offline. */
    static ObjectNode rollout(List<ObjectNode> results) {
        List<String> rank = List.of("applied", "failed", "pending", "offline");
        Map<String, String> states = new TreeMap<>();
        for (ObjectNode r : results) {
            r.path("states").fields().forEachRemaining(e -> states.merge(e.getKey(), e.getValue().asText(),
                    (a, b) -> rankOf(rank, b) < rankOf(rank, a) ? b : a));
        }
        ObjectNode out = Wire.object();
        ObjectNode s = out.putObject("states");
        states.forEach(s::put);
        return out;
    }

    private static int rankOf(List<String> rank, String state) {
        int i = rank.indexOf(state);
        return i < 0 ? rank.size() : i;
    }

    private static Instant seen(JsonNode row) {
        try {
            return Instant.parse(row.path("lastSeen").asText());
        } catch (DateTimeParseException never) {
            return Instant.MIN;
        }
    }
}
