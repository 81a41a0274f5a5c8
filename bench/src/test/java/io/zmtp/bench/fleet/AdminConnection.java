package io.zmtp.bench.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.ZmtpContext;

import java.time.Duration;
import java.util.Map;

/**
 * The publisher's side of the admin protocol (PROTOCOL.md, "Admin"), as any client would speak it:
 * a DEALER with the admin's PLAIN credentials sending {@code ADMIN put} requests. Requests may be
 * pipelined: {@link #sendPut} returns at once and {@link #answer} takes the answers in the order
 * the server gives them.
 */
final class AdminConnection implements AutoCloseable {
    /** An answer: the request it answers, and the revision committed or the error. */
    record Answer(long req, long revision, String error) {
    }

    private final Socket dealer;
    private long nextReq = 1;

    AdminConnection(ZmtpContext ctx, String syncEndpoint, String admin, String password) {
        dealer = ctx.socket(SocketType.DEALER);
        dealer.options().linger(0).sendHwm(100_000).receiveHwm(100_000).plainCredentials(admin, password);
        Wire.boundInbound(dealer.options(), StoreLimits.DEFAULTS);
        dealer.connect(syncEndpoint);
    }

    /** Sends one put of {@code entries} (key order kept) to {@code ns}; its request number. */
    long sendPut(String ns, Map<String, byte[]> entries, String message) {
        long req = nextReq++;
        ObjectNode h = Wire.object();
        h.put("op", "put").put("req", req).put("ns", ns).put("message", message);
        ArrayNode changes = h.putArray("changes");
        for (String key : entries.keySet()) {
            changes.addObject().put("key", key).put("op", "put");
        }
        Message m = Message.of(Wire.ADMIN).add(Wire.json(h));
        for (byte[] v : entries.values()) {
            m.add(v);
        }
        if (!dealer.send(m, Duration.ofSeconds(30))) {
            m.close();
            throw new IllegalStateException("could not send a put within 30 s (no connection to the server?)");
        }
        return req;
    }

    /** The next answer, or null after {@code timeout}. */
    Answer answer(Duration timeout) {
        try (Message m = dealer.receive(timeout)) {
            if (m == null) {
                return null;
            }
            ObjectNode h = Wire.header(m.bytes(1));
            long req = h.path("req").asLong(-1);
            if (Wire.RESULT.equals(m.string(0))) {
                return new Answer(req, h.path("rev").asLong(-1), null);
            }
            return new Answer(req, -1, h.path("code").asText("?") + ": " + h.path("reason").asText(""));
        }
    }

    /** Sends one put and waits for its answer; the committed revision. */
    long put(String ns, Map<String, byte[]> entries, String message, Duration timeout) {
        long req = sendPut(ns, entries, message);
        Answer a = answer(timeout);
        if (a == null) {
            throw new IllegalStateException("no answer to put #" + req + " within " + timeout);
        }
        if (a.error() != null || a.req() != req) {
            throw new IllegalStateException("put #" + req + " failed: " + (a.error() != null ? a.error() : "answer to #" + a.req()));
        }
        return a.revision();
    }

    @Override
    public void close() {
        dealer.close();
    }
}
