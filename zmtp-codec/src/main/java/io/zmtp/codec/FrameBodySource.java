package io.zmtp.codec;

import io.netty.buffer.ByteBuf;

/**
 * The read-side twin of {@link FrameEnvelope}: a handler in front of the {@link FrameDecoder} that
 * reads another protocol's framing (ZWS: each frame a WebSocket message) offers it a whole message
 * frame it found in a read ({@link FrameDecoder#offerMessageFrame}), and the decoder has the body
 * copied straight into the buffer the message will carry, through this. The body is then copied
 * (and, for ZWS, unmasked) once, instead of being translated into ZMTP bytes in the read buffer and
 * parsed and copied again.
 */
@FunctionalInterface
public interface FrameBodySource {
    /**
     * Writes the offered frame's {@code size} body bytes, as ZMTP would carry them, at the writer
     * index of {@code into} (which has room for them) and moves that index past them.
     */
    void copyBody(ByteBuf into, int size);
}
