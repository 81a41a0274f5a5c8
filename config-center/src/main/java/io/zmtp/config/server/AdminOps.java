package io.zmtp.config.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.GrayRelease;
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
import java.util.HashMap;
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

    /**
     * @param userId the user id the server authenticated on the connection ({@code admin:<name>})
     * @param source the connection's remote address, for the audit trail
     */
    void handle(String userId, String source, ObjectNode h, Message m, int firstValue, ConfigServer.Reply reply) {
        String op = Wire.text(h, "op");
        ObjectNode out = Wire.object();
        out.put("req", Wire.requestNumber(h));
        Message values = null;
        switch (op) {
            case "put" -> {
                String author = author(userId, h);
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                List<Change> changes = Wire.readChanges(h, m, firstValue);
                if (h.has("to")) {
                    Rollout r = server.publishGray(ns, changes, author, source, message(h), Wire.text(h, "to"));
                    revision(out, r.revision());
                    out.put("gray", true);
                    ArrayNode nodes = out.putArray("nodes");
                    r.states().keySet().forEach(nodes::add);
                } else {
                    // Committed with the other puts that arrived with it, and answered then.
                    server.queuePut(new ConfigStore.Commit(ns, changes, author, source, message(h)), h, out, reply);
                    return;
                }
            }
            case "promote", "abort" -> {
                String author = author(userId, h);
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                Rollout r = op.equals("promote") ? server.promote(ns, author, source, message(h))
                        : server.abort(ns, author, source, message(h));
                revision(out, r.revision());
            }
            case "rollback" -> {
                String author = author(userId, h);
                String ns = Namespaces.validate(Wire.text(h, "ns"));
                Rollout r = server.rollback(ns, Wire.count(h, "rev"), author, source, message(h));
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
                long after = h.has("after") ? Wire.count(h, "after") : 0;
                int limit = limit(h);
                List<Revision> revisions = store.history(ns, after, limit);
                Map<Long, GrayRelease> grays = new HashMap<>();
                store.grayReleases(ns, after, limit + 1).forEach(g -> grays.put(g.number(), g));
                for (Revision r : revisions) {
                    ObjectNode rh = Wire.revisionHeader(r);
                    GrayRelease g = grays.get(r.number());
                    if (g != null && g.state() != GrayRelease.State.OPEN) {
                        rh.set("gray", grayInfo(g));
                    }
                    list.add(rh);
                }
                // The open gray revision follows the main line's latest, marked as such.
                store.grayRelease(ns).filter(g -> g.number() > after && list.size() < limit).ifPresent(g -> {
                    ObjectNode rh = Wire.revisionHeader(g.revision());
                    rh.set("gray", grayInfo(g));
                    list.add(rh);
                });
            }
            case "audit" -> audit(h, out);
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
                    ObjectNode labels = o.putObject("labels");
                    n.labels().forEach(labels::put);
                    o.put("online", tracker.online(n.id(), server.offlineAfter()));
                    Instant seen = tracker.lastSeen(n.id());
                    o.put("lastSeen", seen == null ? "never" : seen.toString());
                }
            }
            default -> throw new IllegalArgumentException("unknown admin op '" + op + "'");
        }
        reply.result(out, values);
    }

    /** Most revisions one {@code history} or {@code audit} answer lists. */
    static final int MAX_LIMIT = 1000;

    private static int limit(ObjectNode h) {
        long limit = h.has("limit") ? Wire.count(h, "limit") : 100;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("field 'limit' must be 1.." + MAX_LIMIT + ", got " + limit);
        }
        return (int) limit;
    }

    /**
     * Who made a change: the admin the server authenticated on this connection, never a name the
     * request claims. A request may still send {@code author} (older clients send their own name),
     * but one naming anybody else is refused, so no admin can put another's name in the trail.
     */
    static String author(String userId, ObjectNode h) {
        String admin = userId.substring(Whitelist.ADMIN_PREFIX.length());
        if (h.has("author") && !h.get("author").asText("").equals(admin)) {
            throw new IllegalArgumentException("field 'author' names '" + h.get("author").asText()
                    + "' but this connection is admin '" + admin + "'; the author is taken from the login");
        }
        return admin;
    }

    /** A gray release as history and audit show it: selector, nodes, state and who settled it. */
    private static ObjectNode grayInfo(GrayRelease g) {
        ObjectNode o = Wire.object();
        o.put("state", g.state().name().toLowerCase(java.util.Locale.ROOT));
        o.put("to", g.selector());
        ArrayNode nodes = o.putArray("nodes");
        g.nodes().forEach(nodes::add);
        if (g.settled() != null) {
            o.put("by", g.settled().author());
            o.put("source", g.settled().source());
            o.put("time", g.settled().time().toEpochMilli());
            o.put("message", g.settled().message());
        }
        return o;
    }

    private static String message(ObjectNode h) {
        return h.has("message") ? Wire.text(h, "message") : "";
    }

    /**
     * The audit trail: the latest revisions, newest first, of one namespace ({@code ns}) or of all,
     * each with who (the authenticated admin), from where, when and why.
     */
    private void audit(ObjectNode h, ObjectNode out) {
        int limit = limit(h);
        List<String> namespaces = h.has("ns") ? List.of(Namespaces.validate(Wire.text(h, "ns"))) : store.namespaces();
        List<ObjectNode> all = new ArrayList<>();
        for (String ns : namespaces) {
            long latest = store.latestRevision(ns);
            long after = Math.max(0, latest - limit);
            Map<Long, GrayRelease> grays = new HashMap<>();
            store.grayReleases(ns, after, limit + 1).forEach(g -> grays.put(g.number(), g));
            for (Revision r : store.history(ns, after, limit)) {
                ObjectNode o = auditEntry(r);
                GrayRelease g = grays.remove(r.number());
                if (g != null) {
                    o.put("gray", g.state().name().toLowerCase(java.util.Locale.ROOT));
                    all.add(settledEntry(g));
                }
                all.add(o);
            }
            // The open gray release: its revision is in no history yet.
            grays.values().stream().filter(g -> g.state() == GrayRelease.State.OPEN).forEach(g -> {
                ObjectNode o = auditEntry(g.revision());
                o.put("gray", "open");
                all.add(o);
            });
        }
        all.sort((a, b) -> {
            int byTime = Long.compare(b.get("time").asLong(), a.get("time").asLong());
            return byTime != 0 ? byTime : Long.compare(b.get("rev").asLong(), a.get("rev").asLong());
        });
        ArrayNode list = out.putArray("revisions");
        all.subList(0, Math.min(limit, all.size())).forEach(list::add);
    }

    private static ObjectNode auditEntry(Revision r) {
        ObjectNode o = Wire.object();
        o.put("ns", r.namespace());
        o.put("rev", r.number());
        o.put("author", r.author());
        o.put("source", r.source());
        o.put("time", r.time().toEpochMilli());
        o.put("message", r.message());
        o.put("changes", r.changes().size());
        return o;
    }

    /** The promote or abort of gray release {@code g} as an audit entry: who, from where, when, why. */
    private static ObjectNode settledEntry(GrayRelease g) {
        ObjectNode o = Wire.object();
        o.put("ns", g.namespace());
        o.put("rev", g.number());
        o.put("action", g.state() == GrayRelease.State.PROMOTED ? "promote" : "abort");
        o.put("author", g.settled().author());
        o.put("source", g.settled().source());
        o.put("time", g.settled().time().toEpochMilli());
        o.put("message", g.settled().message());
        o.put("changes", 0);
        return o;
    }

    static void revision(ObjectNode out, Revision r) {
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

    /** The digest of revision {@code rev} of {@code ns}, or null when it is not kept (or not yet made). */
    private String digestOf(String ns, long rev, long latest) {
        if (rev == 0) {
            return io.zmtp.config.model.Snapshot.empty(ns).digest();
        }
        if (rev < 0 || rev > latest) {
            return null;
        }
        List<Revision> one = store.history(ns, rev - 1, 1);
        return one.isEmpty() || one.get(0).number() != rev ? null : one.get(0).digest();
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
            GrayRelease open = store.grayRelease(ns).orElse(null);
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
                // digestOk: the digest is right for the revision the node holds, even when that is not
                // the latest (a node that is merely behind is not corrupt); upToDate says whether it is.
                // A node the open gray release selected should hold the gray revision, checked
                // against the gray revision's digest.
                boolean selected = open != null && open.selects(n.id());
                String expected = r == null ? null : selected && r.revision() == open.number() ? open.revision().digest()
                        : r.revision() == latest ? digest : digestOf(ns, r.revision(), latest);
                boolean digestOk = r != null && error == null && Objects.equals(r.digest(), expected);
                o.put("digestOk", digestOk);
                long target = selected ? open.number() : latest;
                o.put("upToDate", r != null && r.revision() == target);
                if (selected) {
                    o.put("grayRev", open.number());
                    o.put("gray", r != null && r.revision() == open.number() && digestOk);
                } else {
                    o.put("gray", false);
                }
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
