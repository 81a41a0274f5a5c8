package io.zmtp.codec;

/**
 * How much one peer may make this side hold while reading its stream, so that memory per
 * connection is bounded whatever the peer declares. Each bound is checked against the length a
 * peer announces, before anything is buffered for it; -1 means "no bound of this kind".
 *
 * @param maxFrameSize          largest frame body (libzmq's ZMQ_MAXMSGSIZE, which is per frame)
 * @param maxHandshakeFrameSize largest frame body, command or message, until the handshake is
 *                              complete: the peer is not authenticated yet, and the largest legal
 *                              handshake command is a few hundred bytes plus its metadata
 * @param maxMessageSize        largest sum of the frame bodies of one multipart message being assembled
 * @param maxMessageFrames      most frames in one multipart message being assembled (bounds what a
 *                              stream of empty MORE frames costs, which no byte limit sees)
 */
public record InboundLimits(long maxFrameSize, long maxHandshakeFrameSize, long maxMessageSize,
                            long maxMessageFrames) {
    /** No bounds beyond what a ByteBuf can index: the behaviour of a bare {@link FrameDecoder}. */
    public static final InboundLimits NONE = new InboundLimits(-1, -1, -1, -1);

    public InboundLimits {
        atLeastMinusOne("maxFrameSize", maxFrameSize);
        atLeastMinusOne("maxHandshakeFrameSize", maxHandshakeFrameSize);
        atLeastMinusOne("maxMessageSize", maxMessageSize);
        atLeastMinusOne("maxMessageFrames", maxMessageFrames);
    }

    /** Only a frame size limit (-1 for none), as libzmq's ZMQ_MAXMSGSIZE. */
    public static InboundLimits frameSize(long maxFrameSize) {
        return new InboundLimits(maxFrameSize, -1, -1, -1);
    }

    /** {@code limit}, or {@code ceiling} when there is none (-1) or it is above the ceiling. */
    static long effective(long limit, long ceiling) {
        return limit < 0 ? ceiling : Math.min(limit, ceiling);
    }

    private static void atLeastMinusOne(String name, long value) {
        if (value < -1) {
            throw new IllegalArgumentException(name + " must be -1 (no limit) or >= 0: " + value);
        }
    }
}
