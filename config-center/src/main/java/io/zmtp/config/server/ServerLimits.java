package io.zmtp.config.server;

/**
 * What the server may hold for nodes that are slow to read, or never read, its answers. ZeroMQ's
 * send high-water mark counts messages, not bytes, and one SYNC answer can be a whole namespace
 * (64 MiB by default): without a byte bound, a node that keeps asking and never reads makes the
 * server queue a namespace per request until it runs out of memory.
 *
 * <p>Answers are counted by their body bytes plus {@value AnswerBudget#MESSAGE_COST} bytes per
 * queued message. A request that needs an answer is refused with ERROR {@code busy} while the
 * node's queue is at {@code nodeBacklogBytes} (a SYNC also while the server's is at
 * {@code totalBacklogBytes}), and is dropped unanswered at twice those (the node is not reading
 * its ERRORs either). What the server holds for unread answers stays within about twice
 * {@code totalBacklogBytes} plus one answer (one namespace).
 *
 * @param nodeBacklogBytes  unread answers of one node (all its connections together)
 * @param totalBacklogBytes unread answers of every node together; at least {@code nodeBacklogBytes}
 */
public record ServerLimits(long nodeBacklogBytes, long totalBacklogBytes) {
    /** 16 MiB per node, 128 MiB in all. */
    public static final ServerLimits DEFAULTS = new ServerLimits(16L << 20, 128L << 20);

    /** @throws IllegalArgumentException when a bound is not positive or the total is below the per-node one */
    public ServerLimits {
        if (nodeBacklogBytes < 1) {
            throw new IllegalArgumentException("nodeBacklogBytes must be >= 1, got " + nodeBacklogBytes);
        }
        if (totalBacklogBytes < nodeBacklogBytes) {
            throw new IllegalArgumentException("totalBacklogBytes (" + totalBacklogBytes
                    + ") must be >= nodeBacklogBytes (" + nodeBacklogBytes + ")");
        }
    }
}
