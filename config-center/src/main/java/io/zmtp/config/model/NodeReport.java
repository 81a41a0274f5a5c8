package io.zmtp.config.model;

import java.time.Instant;

/**
 * What one agent last said about one namespace: the revision and digest it applied, when it
 * applied them, and when the server last heard from it. Lets operators see which nodes lag or
 * disagree with the server's digest.
 */
public record NodeReport(String nodeId, String namespace, long revision, String digest, Instant appliedAt,
                         Instant seenAt) {
    /** The longest allowed node id, in characters. */
    public static final int MAX_NODE_ID_LENGTH = 256;

    /**
     * @throws IllegalArgumentException for a node id that is empty, longer than
     *     {@value #MAX_NODE_ID_LENGTH} characters or has control characters, an invalid namespace,
     *     a negative revision, a malformed digest or a null time
     */
    public NodeReport {
        validateNodeId(nodeId);
        Namespaces.validate(namespace);
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0, got " + revision);
        }
        Digest.requireWellFormed(digest);
        if (appliedAt == null) {
            throw new IllegalArgumentException("appliedAt is null");
        }
        if (seenAt == null) {
            throw new IllegalArgumentException("seenAt is null");
        }
    }

    /**
     * Checks a node id: 1..{@value #MAX_NODE_ID_LENGTH} characters, no control characters.
     *
     * @return the id, unchanged
     */
    public static String validateNodeId(String nodeId) {
        if (nodeId == null || nodeId.isEmpty()) {
            throw new IllegalArgumentException("node id is null or empty");
        }
        if (nodeId.length() > MAX_NODE_ID_LENGTH) {
            throw new IllegalArgumentException("node id is " + nodeId.length() + " characters long, at most "
                    + MAX_NODE_ID_LENGTH + " allowed");
        }
        for (int i = 0; i < nodeId.length(); i++) {
            if (Character.isISOControl(nodeId.charAt(i))) {
                throw new IllegalArgumentException(String.format(
                        "node id has control character U+%04X at index %d", (int) nodeId.charAt(i), i));
            }
        }
        return nodeId;
    }
}
