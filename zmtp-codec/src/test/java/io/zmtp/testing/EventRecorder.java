package io.zmtp.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the user events and exceptions that reach the end of the codec, and passes them on. */
public final class EventRecorder extends ChannelInboundHandlerAdapter {
    public final List<Object> events = new CopyOnWriteArrayList<>();
    public final List<Throwable> exceptions = new CopyOnWriteArrayList<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(cause);
    }

    /** The first recorded event of {@code type}, or {@code null}. */
    public <T> T first(Class<T> type) {
        for (Object e : events) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        return null;
    }
}
