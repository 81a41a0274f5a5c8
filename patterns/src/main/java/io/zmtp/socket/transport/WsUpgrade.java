package io.zmtp.socket.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.handshake.HandshakeFailed;

import javax.net.ssl.SSLException;

/**
 * What both sides of the ZWS upgrade share: the deadline (the handshake interval), one outcome per
 * connection, a failed TLS handshake (wss) as HANDSHAKE_FAILED_AUTH, and, once upgraded, passing on
 * the bytes the HTTP decoder still held. A side handles the one HTTP message it expects
 * ({@link #upgrade}) and bad input ({@link #badInput}).
 */
abstract class WsUpgrade<M> extends ChannelInboundHandlerAdapter {
    final ZmtpConfig config;
    private final long timeoutMillis;
    private final Class<M> expected;
    private ScheduledFuture<?> deadline;
    /** The connection speaks ZWS now: whatever comes is for the handlers behind this one. */
    boolean upgraded;
    private boolean done;

    WsUpgrade(ZmtpConfig config, long timeoutMillis, Class<M> expected) {
        this.config = config;
        this.timeoutMillis = timeoutMillis;
        this.expected = expected;
    }

    /** The HTTP message this side waits for arrived (once): upgrade, or {@link #fail}. */
    abstract void upgrade(ChannelHandlerContext ctx, M message);

    /** Input the HTTP decoder could not make sense of, before any outcome. */
    abstract void badInput(ChannelHandlerContext ctx, Throwable cause);

    /** The upgrade must be through within the handshake interval, counted from now. */
    final void startDeadline(ChannelHandlerContext ctx, String what) {
        deadline = ZwsHandshake.deadline(ctx, timeoutMillis, () -> {
            if (fail(ctx, HandshakeFailed.Reason.TIMEOUT, what + " within " + timeoutMillis + " ms")) {
                ctx.close();
            }
        });
    }

    /** The upgrade succeeded: no deadline any more. */
    final void succeeded() {
        done = true;
        cancelDeadline();
    }

    /** Reports the connection's one failure to the socket; false when it had its outcome already. */
    final boolean fail(ChannelHandlerContext ctx, HandshakeFailed.Reason reason, String detail) {
        if (done) {
            return false;
        }
        done = true;
        cancelDeadline();
        ZwsHandshake.refuse(ctx, reason, detail);
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            // Bytes the HTTP decoder held when it left: the first ZWS frames.
            ctx.fireChannelRead(msg);
            return;
        }
        if (done || !expected.isInstance(msg)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            upgrade(ctx, expected.cast(msg));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** wss: a TLS handshake that failed is the connection's handshake failure (SslHandler closes it). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            fail(ctx, HandshakeFailed.Reason.AUTH, "TLS handshake failed: " + tls.cause().getMessage());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (upgraded) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        SSLException tls = ZwsHandshake.tlsFailure(cause);
        if (tls != null) {
            // The other side's certificate was refused, or it spoke no TLS: no HTTP answer can go.
            fail(ctx, HandshakeFailed.Reason.AUTH, "TLS handshake failed: " + tls.getMessage());
            ctx.close();
            return;
        }
        if (!done) {
            badInput(ctx, cause);
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }
}
