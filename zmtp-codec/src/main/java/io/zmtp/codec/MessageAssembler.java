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
 */
public final class MessageAssembler extends ChannelInboundHandlerAdapter {
    private final List<ByteBuf> parts = new ArrayList<>(4);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ZmtpFrame frame) || frame.isCommand()) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!frame.more() && parts.isEmpty()) {
            ctx.fireChannelRead(ZmtpMessage.of(frame.content()));
            return;
        }
        parts.add(frame.content());
        if (!frame.more()) {
            ZmtpMessage message = ZmtpMessage.of(parts);
            parts.clear();
            ctx.fireChannelRead(message);
        }
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
        parts.clear();
    }
}
