package io.zmtp.codec;

import io.netty.buffer.ByteBuf;

/**
 * What a mechanism that boxes every frame (CURVE's MESSAGE) hands the {@link FrameEncoder} once
 * its handshake is done. The encoder writes each frame's plain body into its batch buffer behind
 * {@link #overhead()} free bytes and the box turns that into the wire form in place, so boxed
 * frames take the same batched and direct write path as NULL and PLAIN frames, with no buffer or
 * pipeline hop of their own.
 */
public interface FrameBox extends AutoCloseable {
    /** How many bytes a boxed frame body has beyond the plain body. */
    int overhead();

    /**
     * Boxes one frame where it lies. {@code out[boxIndex, boxIndex + overhead())} is free for the
     * box and the {@code bodyLength} plain body bytes follow it. {@code flags} are the frame's ZMTP
     * flags ({@link ZmtpFrame#FLAG_MORE}, {@link ZmtpFrame#FLAG_COMMAND}); the outer header the
     * encoder wrote carries neither.
     *
     * @throws IllegalStateException when the box can seal nothing more (its nonces are used up);
     *     it has changed nothing then
     */
    void seal(ByteBuf out, int boxIndex, int flags, int bodyLength);

    /** Wipes the box's keys; the encoder calls it when it leaves the pipeline. */
    @Override
    void close();
}
