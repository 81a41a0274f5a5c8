package io.zmtp.config.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Namespaces;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.socket.Message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The admin commands, each an ADMIN request with an {@code op}: put, get, history, diff,
 * rollback, rollout, status, nodes. Only a peer authenticated with an admin credential reaches
 * here (the server checks the user id). Values travel as raw frames, keys in the header.
 */
final class AdminOps {
    private final ConfigServer server;
    private final ConfigStore store;
    private final Whitelist whitelist;
    private final NodeTracker tracker;

    AdminOps(ConfigServer server, ConfigStore store, Whitelist whitelist, NodeTracker tracker) {
        this.server = server;
        this.store = store;
        this.whitelist = whitelist;
        this.tracker = tracker;
    }

    void handle(ObjectNode h, Message m, int firstValue, ConfigServer.Reply reply) {
        String op = Wire.text(h, "op");
        ObjectNode out = Wire.object();
        out.put("req", Wire.requestNumber(h));
        Message values = null;
        String author = h.path("author").asText("admin");
        switch (op) {
            case "put" -> {
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                List<Change> changes = Wire.readChanges(h, m, firstValue);
                Rollout r = server.publish(ns, changes, author, h.path("message").asText(""));
                revision(out, r.revision());
            }
            case "rollback" -> {
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                Rollout r = server.rollback(ns, Wire.number(h, "rev"), author, h.path("message").asText(""));
                revision(out, r.revision());
            }
            case "get" -> {
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                Snapshot s = h.has("rev") ? store.snapshotAt(ns, Wire.number(h, "rev"))
                        .orElseThrow(() -> new IllegalArgumentException("revision " + h.get("rev") + " of " + ns + " is not kept"))
                        : store.snapshot(ns);
                out.put("ns", ns);
                out.put("rev", s.revision());
                out.put("digest", s.digest());
                ArrayNode keys = out.putArray("keys");
                values = new Message();
                String only = h.path("key").asText(null);
                for (Map.Entry<String, byte[]> e : s.entries().entrySet()) {
                    if (only == null || only.equals(e.getKey())) {
                        keys.add(e.getKey());
                        values.add(e.getValue());
                    }
                }
            }
            case "history" -> {
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                ArrayNode list = out.putArray("revisions");
                for (Revision r : store.history(ns, h.path("after").asLong(0), h.path("limit").asInt(100))) {
                    list.add(Wire.revisionHeader(r));
                }
            }
            case "diff" -> {
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                Snapshot a = at(ns, Wire.number(h, "from"));
                Snapshot b = at(ns, Wire.number(h, "to"));
                List<Change> diff = diff(a, b);
                out.put("ns", ns);
                Wire.changeList(out, diff);
                values = Wire.withValues(new Message(), diff);
            }
            case "rollout" -> {
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                Rollout r = server.rollout(ns, Wire.number(h, "rev"));
                ObjectNode states = out.putObject("states");
                r.states().forEach((node, state) -> states.put(node, state.name().toLowerCase()));
            }
            case "status" -> status(out);
            case "nodes" -> {
                ArrayNode list = out.putArray("nodes");
                for (Whitelist.Node n : whitelist.nodes()) {
                    ObjectNode o = list.addObject();
                    o.put("node", n.id());
                    o.put("namespaces", String.join(",", n.namespaces()));
                    o.put("online", tracker.online(n.id(), server.offlineAfter()));
                    Instant seen = tracker.lastSeen(n.id());
                    o.put("lastSeen", seen == null ? "never" : seen.toString());
                }
            }
            default -> throw new IllegalArgumentException("unknown admin op '" + op + "'");
        }
        reply.result(out, values);
    }

    private static void revision(ObjectNode out, Revision r) {
        out.put("ns", r.namespace());
        out.put("rev", r.number());
        out.put("digest", r.digest());
    }

    private Snapshot at(String ns, long rev) {
        return store.snapshotAt(ns, rev)
                .orElseThrow(() -> new IllegalArgumentException("revision " + rev + " of " + ns + " is not kept"));
    }

    /** The change set that turns {@code a} into {@code b}. */
    static List<Change> diff(Snapshot a, Snapshot b) {
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : b.entries().entrySet()) {
            byte[] old = a.entries().get(e.getKey());
            if (old == null || !Arrays.equals(old, e.getValue())) {
                out.add(Change.put(e.getKey(), e.getValue()));
            }
        }
        for (String k : a.entries().keySet()) {
            if (!b.entries().containsKey(k)) {
                out.add(Change.delete(k));
            }
        }
        return out;
    }

    ObjectNode status() {
        ObjectNode out = Wire.object();
        status(out);
        return out;
    }

    private void status(ObjectNode out) {
        ArrayNode rows = out.putArray("nodes");
        for (String ns : store.namespaces()) {
            long latest = store.latestRevision(ns);
            String digest = server.headDigest(ns, latest);
            for (Whitelist.Node n : whitelist.nodes()) {
                if (!n.mayRead(ns)) {
                    continue;
                }
                NodeReport r = tracker.report(n.id(), ns);
                ObjectNode o = rows.addObject();
                o.put("node", n.id());
                o.put("ns", ns);
                o.put("latest", latest);
                o.put("rev", r == null ? 0 : r.revision());
                o.put("digest", r == null ? "" : r.digest());
                String error = r == null ? null : tracker.error(n.id(), ns);
                o.put("digestOk", r != null && error == null && r.revision() == latest && Objects.equals(r.digest(), digest));
                if (error != null) {
                    o.put("error", error);
                }
                Instant seen = tracker.lastSeen(n.id());
                o.put("lastSeen", seen == null ? "never" : seen.toString());
                o.put("online", tracker.online(n.id(), server.offlineAfter()));
            }
        }
        ObjectNode requests = out.putObject("requests");
        ConfigServer.RequestCounts counts = server.requests();
        requests.put("answered", counts.answered());
        requests.put("busy", counts.busy());
        requests.put("dropped", counts.dropped());
        requests.put("unreadAnswerBytes", server.unreadAnswerBytes());
        requests.put("refusedReports", server.refusedReports());
        ArrayNode refused = out.putArray("refused");
        for (RefusalLog.Entry r : tracker.refusals()) {
            ObjectNode o = refused.addObject();
            o.put("user", r.otherUsers() ? "" : r.user());
            o.put("otherUsers", r.otherUsers());
            o.put("address", r.address());
            o.put("reason", r.reason());
            o.put("ports", String.join(",", r.ports()));
            o.put("count", r.count());
            o.put("first", r.first().toString());
            o.put("at", r.last().toString());
        }
        out.put("refusedTotal", tracker.refusalLog().total());
        out.put("refusedEvicted", tracker.refusalLog().evicted());
    }
}
