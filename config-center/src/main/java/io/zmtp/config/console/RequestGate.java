package io.zmtp.config.console;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Judges a request by its head, before its body is read: a body must declare its length, a
 * sign-in body is small, a body over 64 KiB needs a signed-in session, and every body's length
 * is taken from the {@link BodyBudget} (given back when the request was handled). A request
 * refused here is answered at once and its connection closed, its body never buffered.
 */
final class RequestGate extends ChannelInboundHandlerAdapter {
    /** The bytes a request holds of the budget, for the handler to give back. */
    static final AttributeKey<Long> RESERVED = AttributeKey.valueOf("console.reserved");
    static final int SIGN_IN_BODY = 4096;
    static final int ANONYMOUS_BODY = 64 << 10;

    private final ConsoleHandler.Shared shared;
    private boolean discarding;

    RequestGate(ConsoleHandler.Shared shared) {
        this.shared = shared;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            discarding = false;
            String refusal = judge(ctx, req);
            if (refusal != null) {
                discarding = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
            return;
        }
        if (discarding && msg instanceof HttpContent) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                discarding = false;
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Null when the request may go on; else it was answered (and the connection is closing). */
    private String judge(ChannelHandlerContext ctx, HttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            return refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad-request", "the request could not be read as HTTP");
        }
        boolean hasBody = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        if (!hasBody) {
            return null;
        }
        if (HttpUtil.isTransferEncodingChunked(req) || !req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return refuse(ctx, HttpResponseStatus.LENGTH_REQUIRED, "length-required", "a request body needs a Content-Length");
        }
        long length = HttpUtil.getContentLength(req, 0L);
        boolean signIn = req.method().equals(HttpMethod.POST) && ConsoleHandler.path(req.uri()).equals("/api/session");
        long cap = signIn ? SIGN_IN_BODY : ConsoleServer.MAX_BODY;
        if (length > cap) {
            return refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-large",
                    "a request body here is at most " + cap + " bytes, this one declares " + length);
        }
        if (length > ANONYMOUS_BODY && shared.sessions.find(ConsoleHandler.sessionCookie(req)) == null) {
            return refuse(ctx, HttpResponseStatus.UNAUTHORIZED, "signed-out", "sign in first");
        }
        if (!shared.bodies.reserve(length)) {
            return refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "busy",
                    "the console is taking in other large requests; try again shortly");
        }
        ctx.channel().attr(RESERVED).set(length);
        return null;
    }

    private static String refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message) {
        Responses.error(ctx.channel(), status, code, message, false);
        return code;
    }
}
