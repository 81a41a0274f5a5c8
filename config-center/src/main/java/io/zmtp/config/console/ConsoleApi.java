package io.zmtp.config.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.Namespaces;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Rollout;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.config.store.GrayStateException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What the console's JSON API answers, on the server's public, thread-safe operations: the store
 * for reads, {@link ConfigServer#publish} and its siblings for changes (so a change from the
 * console is committed, published and audited exactly like one from the CLI, with the signed-in
 * admin as author and the browser's address as source). Runs on the console's worker threads,
 * never on an event loop: store calls may wait on a database.
 */
final class ConsoleApi {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Most changes one change set from the console may hold; the CLI has no such cap. */
    static final int MAX_CHANGES = 10_000;

    private final ConfigServer server;
    private final ConfigStore store;

    ConsoleApi(ConfigServer server) {
        this.server = server;
        this.store = server.store();
    }

    /** Every namespace with its latest revision and digest, and its open gray release if any. */
    ArrayNode namespaces() {
        ArrayNode out = JSON.createArrayNode();
        for (String ns : new TreeSet<>(store.namespaces())) {
            long latest = store.latestRevision(ns);
            ObjectNode o = out.addObject();
            o.put("ns", ns);
            o.put("rev", latest);
            o.put("digest", latest > 0 ? server.headDigest(ns, latest) : "");
            Optional<GrayRelease> g = store.grayRelease(ns);
            if (g.isPresent()) {
                o.set("gray", gray(g.get()));
            } else {
                o.putNull("gray");
            }
        }
        return out;
    }

    /** A namespace's keys and values at its latest revision, or at {@code rev} while it is kept. */
    ObjectNode namespace(String ns, Long rev) {
        Snapshot s = rev == null ? store.snapshot(namespace(ns)) : at(ns, rev);
        ObjectNode out = JSON.createObjectNode();
        out.put("ns", s.namespace());
        out.put("rev", s.revision());
        out.put("digest", s.digest());
        ArrayNode entries = out.putArray("entries");
        s.entries().forEach((k, v) -> value(entries.addObject().put("key", k), "value", v));
        return out;
    }

    /** What {@code body}'s change set would change in the latest revision; nothing is committed. */
    ArrayNode preview(String ns, JsonNode body) {
        Snapshot latest = store.snapshot(namespace(ns));
        SortedMap<String, byte[]> after = new TreeMap<>(latest.entries());
        for (Change c : changes(body)) {
            if (c.isDelete()) {
                after.remove(c.key());
            } else {
                after.put(c.key(), c.value());
            }
        }
        return diff(latest.entries(), after);
    }

    /** Commits and publishes {@code body}'s change set (to the nodes of {@code to} only, when given). */
    ObjectNode publish(String ns, JsonNode body, String admin, String source) {
        List<Change> changes = changes(body);
        String message = text(body, "message");
        String to = text(body, "to");
        return changing(() -> to.isBlank()
                ? server.publish(namespace(ns), changes, admin, source, message)
                : server.publishGray(namespace(ns), changes, admin, source, message, to));
    }

    /** A new revision with the content of {@code rev}. */
    ObjectNode rollback(String ns, JsonNode body, String admin, String source) {
        JsonNode rev = body.get("rev");
        if (rev == null || !rev.canConvertToLong() || rev.asLong() < 1) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "field 'rev' must be a revision number");
        }
        return changing(() -> server.rollback(namespace(ns), rev.asLong(), admin, source, text(body, "message")));
    }

    ObjectNode promote(String ns, JsonNode body, String admin, String source) {
        return changing(() -> server.promote(namespace(ns), admin, source, text(body, "message")));
    }

    ObjectNode abort(String ns, JsonNode body, String admin, String source) {
        return changing(() -> server.abort(namespace(ns), admin, source, text(body, "message")));
    }

    /** Revisions after {@code after}, oldest first, with who, when, why and gray state. */
    ArrayNode history(String ns, long after, int limit) {
        String n = namespace(ns);
        Map<Long, GrayRelease> grays = new HashMap<>();
        store.grayReleases(n, after, limit + 1).forEach(g -> grays.put(g.number(), g));
        ArrayNode out = JSON.createArrayNode();
        for (Revision r : store.history(n, after, limit)) {
            ObjectNode o = revision(out.addObject(), r);
            GrayRelease g = grays.get(r.number());
            if (g != null) {
                o.set("gray", gray(g));
            }
        }
        store.grayRelease(n).filter(g -> g.number() > after && out.size() < limit)
                .ifPresent(g -> revision(out.addObject(), g.revision()).set("gray", gray(g)));
        return out;
    }

    ArrayNode diff(String ns, long from, long to) {
        return diff(at(ns, from).entries(), at(ns, to).entries());
    }

    /**
     * Every node that may read {@code ns}, with where it stands for revision {@code rev} (the
     * latest when null; the open gray revision's own nodes when {@code rev} is that revision).
     */
    ObjectNode rollout(String ns, Long rev) {
        String n = namespace(ns);
        long number = rev != null ? rev : store.latestRevision(n);
        ObjectNode out = JSON.createObjectNode();
        out.put("ns", n);
        out.put("rev", number);
        ArrayNode nodes = out.putArray("nodes");
        if (number < 1) {
            out.put("digest", "");
            return out;
        }
        Rollout r;
        try {
            r = server.rollout(n, number);
        } catch (IllegalArgumentException e) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", e.getMessage());
        }
        out.put("digest", r.revision().digest());
        GrayRelease open = store.grayRelease(n).orElse(null);
        Map<Long, String> digests = new HashMap<>();
        digests.put(r.revision().number(), r.revision().digest());
        if (open != null) {
            digests.put(open.number(), open.revision().digest());
        }
        for (Map.Entry<String, Rollout.State> e : r.states().entrySet()) {
            String node = e.getKey();
            NodeReport report = server.tracker().report(node, n);
            ObjectNode o = nodes.addObject();
            o.put("node", node);
            o.put("state", e.getValue().name().toLowerCase(java.util.Locale.ROOT));
            if (report == null) {
                o.putNull("applied");
                o.put("digestOk", false);
            } else {
                o.put("applied", report.revision());
                String expected = digests.computeIfAbsent(report.revision(), v -> digestAt(n, v));
                o.put("digestOk", server.tracker().error(node, n) == null && report.digest().equals(expected));
            }
            Instant seen = server.tracker().lastSeen(node);
            if (seen == null) {
                o.putNull("lastSeen");
            } else {
                o.put("lastSeen", seen.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            }
            o.put("online", server.tracker().online(node, server.offlineAfter()));
            o.put("gray", open != null && open.selects(node));
        }
        return out;
    }

    /** Refused connection and sign-in attempts, counted per address and user, most recent first. */
    ArrayNode refusals() {
        ArrayNode out = JSON.createArrayNode();
        server.tracker().refusals().forEach(r -> {
            ObjectNode o = out.addObject();
            o.put("address", r.address());
            o.put("user", r.otherUsers() ? "" : r.user());
            o.put("otherUsers", r.otherUsers());
            o.put("reason", r.reason());
            o.put("ports", String.join(",", r.ports()));
            o.put("count", r.count());
            o.put("first", r.first().toString());
            o.put("last", r.last().toString());
        });
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private ObjectNode changing(Supplier<Rollout> change) {
        Rollout r;
        try {
            r = change.get();
        } catch (ConfigLimitException e) {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-large", e.getMessage());
        } catch (GrayStateException e) {
            throw new ApiError(HttpResponseStatus.CONFLICT, e.code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("ns", r.revision().namespace());
        out.put("rev", r.revision().number());
        out.put("digest", r.revision().digest());
        return out;
    }

    private Snapshot at(String ns, long rev) {
        return store.snapshotAt(namespace(ns), rev).orElseThrow(() -> new ApiError(HttpResponseStatus.NOT_FOUND,
                "not-found", "revision " + rev + " of " + ns + " is not kept"));
    }

    private String digestAt(String ns, long rev) {
        List<Revision> one = store.history(ns, rev - 1, 1);
        return one.isEmpty() || one.get(0).number() != rev ? null : one.get(0).digest();
    }

    private static String namespace(String ns) {
        try {
            return Namespaces.validate(ns);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "parameter 'ns': "
                    + (e.getMessage() == null ? "missing" : e.getMessage()));
        }
    }

    /** The change set of a request body: {@code {"changes":[{"op":"put","key","value"},{"op":"delete","key"}]}}. */
    static List<Change> changes(JsonNode body) {
        JsonNode list = body.get("changes");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "field 'changes' must be a non-empty list");
        }
        if (list.size() > MAX_CHANGES) {
            throw new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-large",
                    "a change set from the console holds at most " + MAX_CHANGES + " changes, got " + list.size());
        }
        List<Change> out = new ArrayList<>(list.size());
        for (JsonNode c : list) {
            String op = c.path("op").asText("");
            JsonNode key = c.get("key");
            if (key == null || !key.isTextual()) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "every change needs a text 'key'");
            }
            try {
                switch (op) {
                    case "put" -> {
                        JsonNode v = c.get("value");
                        if (v == null || !v.isTextual()) {
                            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request",
                                    "change of '" + key.asText() + "': a put needs a text 'value'");
                        }
                        out.add(c.path("binary").asBoolean(false)
                                ? Change.put(key.asText(), Base64.getDecoder().decode(v.asText()))
                                : Change.put(key.asText(), v.asText()));
                    }
                    case "delete" -> out.add(Change.delete(key.asText()));
                    default -> throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request",
                            "change of '" + key.asText() + "': 'op' must be put or delete");
                }
            } catch (IllegalArgumentException e) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", e.getMessage());
            }
        }
        return out;
    }

    /** Keys whose value differs between {@code a} and {@code b}, with both values (null: absent). */
    static ArrayNode diff(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
        ArrayNode out = JSON.createArrayNode();
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            byte[] before = a.get(k);
            byte[] after = b.get(k);
            if (before != null && after != null && java.util.Arrays.equals(before, after)) {
                continue;
            }
            ObjectNode o = out.addObject().put("key", k);
            value(o, "before", before);
            value(o, "after", after);
        }
        return out;
    }

    /**
     * Puts {@code bytes} as UTF-8 text under {@code field}, or as base64 with {@code binary} true
     * when they are not valid UTF-8 (the page then shows them as such); null stays null.
     */
    static void value(ObjectNode o, String field, byte[] bytes) {
        if (bytes == null) {
            o.putNull(field);
            return;
        }
        try {
            o.put(field, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            o.put(field, Base64.getEncoder().encodeToString(bytes));
            o.put("binary", true);
        }
    }

    private static ObjectNode revision(ObjectNode o, Revision r) {
        o.put("rev", r.number());
        o.put("digest", r.digest());
        o.put("author", r.author());
        o.put("time", r.time().toString());
        o.put("message", r.message());
        o.put("source", r.source());
        o.put("changes", r.changes().size());
        return o;
    }

    private static ObjectNode gray(GrayRelease g) {
        ObjectNode o = JSON.createObjectNode();
        o.put("rev", g.number());
        o.put("state", g.state().name().toLowerCase(java.util.Locale.ROOT));
        o.put("to", g.selector());
        ArrayNode nodes = o.putArray("nodes");
        g.nodes().forEach(nodes::add);
        return o;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "bad-request", "field '" + field + "' must be text");
        }
        return v.asText();
    }

    /** An admin's id as the audit trail records it: the name, as the CLI's login does. */
    static String author(String admin) {
        return admin.startsWith(Whitelist.ADMIN_PREFIX) ? admin.substring(Whitelist.ADMIN_PREFIX.length()) : admin;
    }
}
