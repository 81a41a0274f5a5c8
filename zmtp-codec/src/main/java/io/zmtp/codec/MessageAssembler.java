package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers message frames into whole {@link ZmtpMessage}s: frames up to and including the first one
 * without MORE. A message is delivered complete or not at all: frames of a message cut short by a
 * closed connection are released, never passed on. Everything else (commands) passes through.
 *
 * <p>Used where frames arrive already decoded (behind a mechanism's frame transformers, or a
 * {@link FrameDecoder} that does not assemble), so a message's bounds
 * ({@link InboundLimits#maxMessageSize()}, {@link InboundLimits#maxMessageFrames()}) are checked as
 * each frame arrives: the frame that would exceed one is released with everything assembled
 * before it, a {@link ZmtpProtocolException} naming the limit is fired, and the connection closed.
 */
public final class MessageAssembler extends ChannelInboundHandlerAdapter {
    private final long maxMessageSize;
    private final long maxMessageFrames;
    private List<ByteBuf> parts = new ArrayList<>(4);
    private long partsBytes;
    private boolean failed;

    /** An assembler that holds messages to {@code limits}' per-message bounds. */
    public MessageAssembler(InboundLimits limits) {
        this.maxMessageSize = InboundLimits.effective(limits.maxMessageSize(), Long.MAX_VALUE);
        this.maxMessageFrames = InboundLimits.effective(limits.maxMessageFrames(), Long.MAX_VALUE);
    }

    /** An assembler without per-message bounds. */
    public MessageAssembler() {
        this(InboundLimits.NONE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ZmtpFrame frame) || frame.isCommand()) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            frame.release();
            return;
        }
        int size = frame.content().readableBytes();
        String exceeded = exceededLimit(size);
        if (exceeded != null) {
            frame.release();
            discardPartial();
            failed = true;
            ctx.fireExceptionCaught(new ZmtpProtocolException(exceeded));
            ctx.close();
            return;
        }
        if (!frame.more() && parts.isEmpty()) {
            ctx.fireChannelRead(ZmtpMessage.of(frame.content()));
            return;
        }
        parts.add(frame.content());
        partsBytes += size;
        if (!frame.more()) {
            ZmtpMessage message = ZmtpMessage.of(parts);
            forgetParts();
            ctx.fireChannelRead(message);
        }
    }

    /** What a frame of {@code size} bytes would exceed as the next of the message, or {@code null}. */
    private String exceededLimit(int size) {
        if (parts.size() >= maxMessageFrames) {
            return "message of more than " + maxMessageFrames + " frames exceeds the per-message frame limit"
                    + " (maxMessageFrames)";
        }
        if (partsBytes + size > maxMessageSize) {
            return "message of at least " + (partsBytes + size) + " bytes exceeds the per-message size limit of "
                    + maxMessageSize + " bytes (maxMessageSize)";
        }
        return null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discardPartial();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardPartial();
    }

    private void discardPartial() {
        for (ByteBuf b : parts) {
            b.release();
        }
        forgetParts();
    }

    /** Empties {@link #parts} without releasing; a list grown by a long message is not kept. */
    private void forgetParts() {
        if (parts.size() > 64) {
            parts = new ArrayList<>(4);
        } else {
            parts.clear();
        }
        partsBytes = 0;
    }
}
