package io.zmtp.codec;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Where a {@link FrameDecoder} hands whole messages when they skip the pipeline (see
 * {@link FrameDecoder#deliverMessagesTo}): the read-side twin of the encoder's direct writes.
 * Called on the channel's event loop, once per message, in arrival order; the sink owns the message.
 */
@FunctionalInterface
public interface MessageSink {
    void message(ZmtpMessage message);

    /**
     * The message the decoder hands on for a one-frame body: a sink whose owner has a message class
     * of its own makes it here, so what arrives is already what the application gets (no second
     * object per message). Owns {@code frame}.
     */
    default ZmtpMessage newMessage(ByteBuf frame) {
        return ZmtpMessage.of(frame);
    }

    /**
     * A buffer to copy a small body of {@code size} bytes into (the decoder writes it from its
     * writer index), or null for a buffer of the decoder's own. A sink that gets buffers back
     * from its application can hand them out again here, so a small body costs no new object.
     */
    default ByteBuf bodyBuffer(int size) {
        return null;
    }

    /** The same for several frames; owns them, but not the list, which the decoder reuses. */
    default ZmtpMessage newMessage(List<ByteBuf> frames) {
        return ZmtpMessage.of(frames);
    }
}
