package io.zmtp.codec;

import io.netty.buffer.ByteBuf;

/**
 * The read-side twin of {@link FrameBox}: what a mechanism that boxes every frame (CURVE's
 * MESSAGE) hands the {@link FrameDecoder} once its handshake is done. The decoder passes each
 * frame body it reads, and the box opens it where it lies, so boxed frames are assembled and
 * delivered like NULL and PLAIN frames, with no frame object or pipeline hop of their own.
 */
public interface FrameUnbox extends AutoCloseable {
    /**
     * Opens one boxed frame body in place: on success {@code body}'s readable bytes are narrowed to
     * the plain body and the inner ZMTP flags are returned ({@link ZmtpFrame#FLAG_MORE},
     * {@link ZmtpFrame#FLAG_COMMAND}). {@code body} is writable and still owned by the caller.
     *
     * @throws ZmtpProtocolException when it is not a box of this connection or does not open
     */
    int open(ByteBuf body);

    /** Wipes the box's keys; the decoder calls it when it leaves the pipeline. */
    @Override
    void close();
}
