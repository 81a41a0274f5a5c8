package io.zmtp.codec;

import io.netty.buffer.ByteBuf;

/**
 * Another protocol's framing in place of ZMTP's frame header, applied by the {@link FrameEncoder}
 * itself as it writes each frame into its batch buffer (ZWS: each frame a WebSocket message). The
 * frames then take the same batched, direct and borrowed write paths as on tcp, with no handler
 * below the encoder that parses its output again.
 */
public interface FrameEnvelope {
    /** Most bytes {@link #writeHeader} writes. */
    int maxHeaderLength();

    /**
     * Writes the envelope's header of a frame of {@code length} body bytes with ZMTP flags
     * {@code flags} ({@link ZmtpFrame#FLAG_MORE}, {@link ZmtpFrame#FLAG_COMMAND}) at the writer
     * index of {@code out}. The body follows it.
     */
    void writeHeader(ByteBuf out, int flags, long length);

    /**
     * True when {@link #seal} changes body bytes (a WebSocket client's masking): every body is then
     * copied into the batch, never written as the caller's buffer.
     */
    boolean rewritesBody();

    /**
     * Called when the {@code length} bytes at {@code out[index]} are the body as it goes on the wire
     * (boxed, when frames are boxed), right after the header {@link #writeHeader} wrote for it.
     * Not called for a body written as its own buffer (only when {@link #rewritesBody()} is false).
     */
    void seal(ByteBuf out, int index, int length);

    /**
     * May copy {@code length} readable bytes of {@code body} (its reader index unchanged) to
     * {@code out}'s writer index, sealed as {@link #seal} would leave them, in one pass, moving the
     * writer index past them; true when it did. False leaves both untouched: the encoder then
     * copies the body and calls {@link #seal}. Only asked for unboxed frames.
     */
    default boolean copySealed(ByteBuf out, ByteBuf body, int length) {
        return false;
    }

    /**
     * True when {@link #copySealedPart} is implemented: the encoder then copies a body larger than
     * its batch buffer (one the envelope rewrites, unboxed) in batch-sized parts instead of into one
     * buffer of the body's size, which the pooled allocator served from a fresh, zeroed chunk about
     * once a frame at 64 KiB.
     */
    default boolean sealsInParts() {
        return false;
    }

    /**
     * Copies {@code length} bytes of {@code body} from {@code offset} bytes past its reader index
     * (its indices unchanged) to {@code out}'s writer index, sealed as {@link #seal} would leave
     * them at that place of the body, and moves the writer index past them. Called in order, part
     * after part, after {@link #writeHeader} for the whole body, only when {@link #sealsInParts()}.
     */
    default void copySealedPart(ByteBuf out, ByteBuf body, int offset, int length) {
        throw new UnsupportedOperationException("this envelope does not seal bodies in parts");
    }
}
