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
    /** From {@link #peers}, plus what was queued since: bytes waiting per user, per connection, in all. */
    private final Map<String, Long> byUser = new HashMap<>();
    private final Map<ByteBuffer, Long> byConnection = new HashMap<>();
    private long total;
    /** Bytes queued since the peers were read (counted here, not read). */
    private long sinceRead;

    AnswerBudget(Socket router, ServerLimits limits) {
        this.router = router;
        this.limits = limits;
    }

    /**
     * May the server answer {@code node}'s request that came on connection {@code routingId}?
     * {@code syncOf} is the namespace of a SYNC, or null for another request. Judged on the queues
     * as last read plus the answers queued since, which can only overstate what waits (answers are
     * written out meanwhile); a request that would be refused is judged again on a fresh read, so a
     * refusal always rests on the queues as they are.
     */
    Decision check(String node, byte[] routingId, String syncOf) {
        peers();
        Decision d = judge(node, ByteBuffer.wrap(routingId), syncOf);
        if (d.verdict() != Verdict.ANSWER && sinceRead > 0) {
            peers = null;
            peers();
            d = judge(node, ByteBuffer.wrap(routingId), syncOf);
        }
        return d;
    }

    private Decision judge(String node, ByteBuffer connection, String syncOf) {
        long nodeBytes = byUser.getOrDefault(node, 0L);
        if (byConnection.getOrDefault(connection, 0L) == 0) {
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
     * only before a refusal: a thousand agents syncing at once after a restart used to cost a read
     * of a thousand connections each.
     */
    List<PeerInfo> peers() {
        if (peers == null) {
            peers = router.peers();
            byUser.clear();
            byConnection.clear();
            total = 0;
            sinceRead = 0;
            Set<ByteBuffer> live = new HashSet<>();
            for (PeerInfo p : peers) {
                long queued = p.outboundBytes() + (long) p.outboundDepth() * MESSAGE_COST;
                total += queued;
                if (p.userId() != null) {
                    byUser.merge(p.userId(), queued, Long::sum);
                }
                if (p.routingId() != null) {
                    ByteBuffer id = ByteBuffer.wrap(p.routingId());
                    live.add(id);
                    byConnection.merge(id, queued, Long::sum);
                }
            }
            syncing.keySet().retainAll(live);
        }
        return peers;
    }

    /** The server starts reading a new batch of requests: queues are read afresh. */
    void newBatch() {
        peers = null;
    }

    /** An answer of {@code bytes} was queued toward {@code user} on connection {@code routingId}. */
    void queued(String user, byte[] routingId, long bytes) {
        if (peers == null) {
            return;  // the next read sees it
        }
        long cost = bytes + MESSAGE_COST;
        sinceRead += cost;
        total += cost;
        if (user != null) {
            byUser.merge(user, cost, Long::sum);
        }
        byConnection.merge(ByteBuffer.wrap(routingId), cost, Long::sum);
    }

    /** A sync answer of {@code namespace} was queued on connection {@code routingId}. */
    void syncSent(byte[] routingId, String namespace) {
        syncing.computeIfAbsent(ByteBuffer.wrap(routingId.clone()), k -> new HashSet<>()).add(namespace);
    }
}
