package io.zmtp.codec;

/**
 * Where a {@link FrameDecoder} hands whole messages when they skip the pipeline (see
 * {@link FrameDecoder#deliverMessagesTo}): the read-side twin of the encoder's direct writes.
 * Called on the channel's event loop, once per message, in arrival order; the sink owns the message.
 */
@FunctionalInterface
public interface MessageSink {
    void message(ZmtpMessage message);
}
