package io.zmtp.config.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Revision;
import io.zmtp.socket.Message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The config-center wire format (config-center/PROTOCOL.md): every message is a command frame, a
 * JSON header frame, and for change sets and snapshot chunks one raw frame per value, so values
 * are never base64-inflated and a change set travels as one atomic multipart message. Updates
 * on the PUB socket carry a topic frame first: the namespace followed by one NUL byte, so a
 * subscription to one namespace cannot match a longer one.
 */
public final class Wire {
    public static final String UPDATE = "UPDATE";
    public static final String HEARTBEAT = "HEARTBEAT";
    public static final String SYNC = "SYNC";
    public static final String REVISION = "REVISION";
    public static final String SNAPSHOT = "SNAPSHOT";
    public static final String CHUNK = "CHUNK";
    public static final String SYNCED = "SYNCED";
    public static final String REPORT = "REPORT";
    public static final String ADMIN = "ADMIN";
    public static final String RESULT = "RESULT";
    public static final String ERROR = "ERROR";

    /** Largest JSON header accepted from a peer: headers list keys, values travel in their own frames. */
    public static final int MAX_HEADER_BYTES = 4 << 20;
    /**
     * Most frames of one message: a change set's values, its header, command and topic. The
     * header's 4 MiB hold at most about 180,000 changes (23 bytes of JSON each at least).
     */
    public static final int MAX_FRAMES = 200_000;

    /**
     * Bounds what a config-center socket accepts from its peers, from the store's limits: a frame
     * holds at most a header or a value, a message at most a whole namespace and its header (an
     * admin's put, an UPDATE, a REVISION). Beyond them the codec closes the connection before it
     * buffers the excess.
     */
    public static void boundInbound(io.zmtp.socket.SocketOptions options, io.zmtp.config.store.StoreLimits limits) {
        options.maxMsgSize(Math.max(MAX_HEADER_BYTES, limits.maxValueBytes()))
                .maxMessageSize(limits.maxNamespaceBytes() + 2L * MAX_HEADER_BYTES)
                .maxMessageFrames(MAX_FRAMES);
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    /** The PUB topic of a namespace: its UTF-8 name and a NUL. */
    public static byte[] topic(String namespace) {
        byte[] name = namespace.getBytes(StandardCharsets.UTF_8);
        byte[] topic = new byte[name.length + 1];
        System.arraycopy(name, 0, topic, 0, name.length);
        return topic;
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public static byte[] json(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a header frame; a malformed one is a {@link ProtocolException}. */
    public static ObjectNode header(byte[] frame) {
        if (frame.length > MAX_HEADER_BYTES) {
            throw new ProtocolException("header of " + frame.length + " bytes exceeds " + MAX_HEADER_BYTES);
        }
        try {
            JsonNode node = JSON.readTree(frame);
            if (!(node instanceof ObjectNode o)) {
                throw new ProtocolException("header is not a JSON object");
            }
            return o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The original message only: Jackson's adds the source location on lines of its own.
            throw new ProtocolException("header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ProtocolException("header is not valid JSON: " + e.getMessage());
        }
    }

    /** A command message: command frame, header frame. */
    public static Message command(String command, ObjectNode header) {
        return Message.of(command.getBytes(StandardCharsets.UTF_8), json(header));
    }

    /** The header of a revision (UPDATE on the PUB socket, REVISION in a sync reply). */
    public static ObjectNode revisionHeader(Revision r) {
        ObjectNode h = object();
        h.put("ns", r.namespace());
        h.put("rev", r.number());
        h.put("digest", r.digest());
        h.put("author", r.author());
        h.put("time", r.time().toEpochMilli());
        h.put("message", r.message());
        if (!r.source().isEmpty()) {
            h.put("source", r.source());
        }
        changeList(h, r.changes());
        return h;
    }

    /** Appends one frame per put of {@code r}, in the order of its changes. */
    public static Message withValues(Message m, List<Change> changes) {
        for (Change c : changes) {
            if (!c.isDelete()) {
                m.add(c.value());
            }
        }
        return m;
    }

    /**
     * Reads a revision from its header and the value frames from {@code firstValue} on. Every
     * put must have its frame and no frame may be left over: a mismatch is a protocol error.
     */
    public static Revision readRevision(ObjectNode h, Message m, int firstValue) {
        List<Change> list = readChanges(h, m, firstValue);
        try {
            return new Revision(text(h, "ns"), number(h, "rev"), text(h, "digest"), text(h, "author"),
                    Instant.ofEpochMilli(number(h, "time")), text(h, "message"), list);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("bad revision: " + e.getMessage());
        }
    }

    /** The header's change list (key and op) joined with the value frames from {@code firstValue} on. */
    public static List<Change> readChanges(ObjectNode h, Message m, int firstValue) {
        JsonNode changes = h.get("changes");
        if (changes == null || !changes.isArray()) {
            throw new ProtocolException("revision header lacks its changes");
        }
        List<Change> list = new ArrayList<>(changes.size());
        int frame = firstValue;
        for (JsonNode c : changes) {
            String key = text(c, "key");
            String op = text(c, "op");
            try {
                if (op.equals("delete")) {
                    list.add(Change.delete(key));
                } else if (op.equals("put")) {
                    if (frame >= m.size()) {
                        throw new ProtocolException("revision lists more puts than it has value frames");
                    }
                    list.add(Change.put(key, m.bytes(frame++)));
                } else {
                    throw new ProtocolException("unknown change op '" + op + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("bad change: " + e.getMessage());
            }
        }
        if (frame != m.size()) {
            throw new ProtocolException("change set has " + (m.size() - frame) + " value frames too many");
        }
        return list;
    }

    /** A change list header (key and op per change), for ADMIN put and for diffs. */
    public static ArrayNode changeList(ObjectNode h, List<Change> changes) {
        ArrayNode list = h.putArray("changes");
        for (Change c : changes) {
            ObjectNode o = list.addObject();
            o.put("key", c.key());
            o.put("op", c.isDelete() ? "delete" : "put");
        }
        return list;
    }

    public static String text(JsonNode h, String field) {
        JsonNode v = h.get(field);
        if (v == null || !v.isTextual()) {
            throw new ProtocolException("field '" + field + "' missing or not a string");
        }
        return v.asText();
    }

    /**
     * A JSON integer field within int64. Strict: a string ("7"), a fraction (1.5), null or a
     * number beyond int64 is refused, naming the field, rather than silently turned into another number.
     */
    public static long number(JsonNode h, String field) {
        JsonNode v = h.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ProtocolException("field '" + field + "' missing or not an integer within int64");
        }
        return v.asLong();
    }

    /** A non-negative JSON integer field within int64 (a revision, a request number); see {@link #number}. */
    public static long count(JsonNode h, String field) {
        long n = number(h, field);
        if (n < 0) {
            throw new ProtocolException("field '" + field + "' is negative: " + n);
        }
        return n;
    }

    /**
     * The request number {@code req}: absent means 0; present, it must be a non-negative integer
     * within int64 (it is echoed in every answer, so it is never guessed from a string or a fraction).
     */
    public static long requestNumber(JsonNode h) {
        return h.has("req") ? count(h, "req") : 0;
    }

    /** The request number if the request has a valid one (absent counts as 0), else empty. */
    public static java.util.OptionalLong validRequestNumber(JsonNode h) {
        try {
            return java.util.OptionalLong.of(requestNumber(h));
        } catch (ProtocolException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** A protocol violation by the peer: a clear message, never a crash. */
    public static final class ProtocolException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ProtocolException(String message) {
            super(message);
        }
    }
}
