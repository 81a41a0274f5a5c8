package io.zmtp.config.server;

import io.zmtp.socket.Socket;
import io.zmtp.socket.pipe.PeerInfo;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before the server builds an answer, whether it may queue one more for this node: from
 * the bytes already waiting toward the node (all its connections) and toward everyone, and whether
 * a sync of the same namespace is still being sent on the same connection (a duplicate SYNC, e.g.
 * a retry after a timeout, is refused rather than answered a second time in full). Used only by
 * the server thread.
 */
final class AnswerBudget {
    /** What a queued message costs beyond its body (message and buffer objects). */
    static final int MESSAGE_COST = 256;

    /** What to do with a request. */
    enum Verdict {
        /** Answer it. */
        ANSWER,
        /** Refuse it with ERROR {@code busy}: the node should read what it has, then ask again. */
        BUSY,
        /** Do not answer: the node is not even reading its ERRORs. */
        DROP
    }

    /** A verdict and, for BUSY, why. */
    record Decision(Verdict verdict, String reason) {
    }

    private static final Decision ANSWER = new Decision(Verdict.ANSWER, null);

    private final Socket router;
    private final ServerLimits limits;
    /** Per connection (routing id): namespaces whose sync answer went out while answers were still queued. */
    private final Map<ByteBuffer, Set<String>> syncing = new HashMap<>();
    /** The peers as last read, or null to read them at the next use; see {@link #peers}. */
    private List<PeerInfo> peers;
    /** Bytes of answers queued since the peers were read. */
    private long sinceRead;
    /** How many bytes of answers may be queued before the peers are read again. */
    static final long STALE_AFTER_BYTES = 256 * 1024;

    AnswerBudget(Socket router, ServerLimits limits) {
        this.router = router;
        this.limits = limits;
    }

    /**
     * May the server answer {@code node}'s request that came on connection {@code routingId}?
     * {@code syncOf} is the namespace of a SYNC, or null for another request.
     */
    Decision check(String node, byte[] routingId, String syncOf) {
        List<PeerInfo> peers = peers();
        ByteBuffer connection = ByteBuffer.wrap(routingId);
        long nodeBytes = 0;
        long total = 0;
        long connectionBytes = 0;
        Set<ByteBuffer> live = new HashSet<>();
        for (PeerInfo p : peers) {
            long queued = p.outboundBytes() + (long) p.outboundDepth() * MESSAGE_COST;
            total += queued;
            if (node.equals(p.userId())) {
                nodeBytes += queued;
            }
            if (p.routingId() != null) {
                ByteBuffer id = ByteBuffer.wrap(p.routingId());
                live.add(id);
                if (id.equals(connection)) {
                    connectionBytes = queued;
                }
            }
        }
        syncing.keySet().retainAll(live);
        if (connectionBytes == 0) {
            syncing.remove(connection);
        }
        if (nodeBytes >= 2 * limits.nodeBacklogBytes() || (total >= 2 * limits.totalBacklogBytes() && nodeBytes > 0)) {
            return new Decision(Verdict.DROP, null);
        }
        if (nodeBytes >= limits.nodeBacklogBytes()) {
            return new Decision(Verdict.BUSY, nodeBytes + " bytes of earlier answers to " + node
                    + " are not read yet (limit " + limits.nodeBacklogBytes() + ")");
        }
        // Only SYNCs wait for the whole server's backlog: the other answers (admin requests
        // above all, status included) are small and must get through while a node misbehaves.
        if (syncOf != null && total >= limits.totalBacklogBytes()) {
            return new Decision(Verdict.BUSY, "the server holds " + total + " bytes of unread answers (limit "
                    + limits.totalBacklogBytes() + ")");
        }
        if (syncOf != null && syncing.getOrDefault(connection, Set.of()).contains(syncOf)) {
            return new Decision(Verdict.BUSY, "a sync of " + syncOf + " is still being sent on this connection");
        }
        return ANSWER;
    }

    /**
     * The peers with their queue depths, read from the socket (a round trip to its event loop, and
     * a list of every connection) once per batch of requests the server reads together, and again
     * after each sync answer: a batch of admin requests or reports costs one read, while the
     * bytes a sync answer queued are always counted before the next request is judged.
     */
    List<PeerInfo> peers() {
        if (peers == null) {
            peers = router.peers();
            sinceRead = 0;
        }
        return peers;
    }

    /** The server starts reading a new batch of requests: queues are read afresh. */
    void newBatch() {
        peers = null;
    }

    /**
     * An answer of {@code bytes} was queued. Once the answers queued since the peers were read add
     * up to {@link #STALE_AFTER_BYTES}, they are read again, so a batch of large answers (an admin
     * asking for a big namespace many times) is judged on what it really queued.
     */
    void queued(long bytes) {
        sinceRead += bytes + MESSAGE_COST;
        if (sinceRead >= STALE_AFTER_BYTES) {
            peers = null;
        }
    }

    /** A sync answer of {@code namespace} was queued on connection {@code routingId}. */
    void syncSent(byte[] routingId, String namespace) {
        peers = null;
        syncing.computeIfAbsent(ByteBuffer.wrap(routingId.clone()), k -> new HashSet<>()).add(namespace);
    }
}
