package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.handshake.HandshakeFailed;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The server side of the ZWS upgrade, behind Netty's HTTP server codec and a small aggregator: a
 * GET for one of the paths this listener serves, asking for a WebSocket (version 13) with a ZWS
 * subprotocol this socket speaks, is answered with 101 and the connection switches to ZWS (see
 * {@link ZwsHandshake}); anything else gets an HTTP error (404 for an unknown path, 400 for a bad
 * request or no usable subprotocol, 426 for another WebSocket version) and is closed, reported to
 * the socket as a handshake failure and logged at debug level only. A connection that sends no
 * upgrade within the handshake interval is closed.
 */
final class WsServerUpgrade extends WsUpgrade<FullHttpRequest> {
    /** Whether this listener serves a path (asked when the request comes: paths may be added after accept). */
    private final Predicate<String> paths;

    WsServerUpgrade(ZmtpConfig config, Predicate<String> paths, long timeoutMillis) {
        super(config, timeoutMillis, FullHttpRequest.class);
        this.paths = paths;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startDeadline(ctx, "no WebSocket upgrade");
        ctx.fireChannelActive();
    }

    @Override
    void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            answer(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "a WebSocket upgrade is a GET, not " + request.method());
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!paths.test(path)) {
            answer(ctx, HttpResponseStatus.NOT_FOUND, "no socket is bound at path " + path);
            return;
        }
        var headers = request.headers();
        if (!ZwsHandshake.hasToken(headers, HttpHeaderNames.UPGRADE, "websocket")
                || !ZwsHandshake.hasToken(headers, HttpHeaderNames.CONNECTION, "upgrade")) {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "not a WebSocket upgrade request");
            return;
        }
        if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            answer(ctx, HttpResponseStatus.UPGRADE_REQUIRED, "WebSocket version " + headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION)
                    + "; only 13 is spoken");
            return;
        }
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || key.isBlank()) {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "no Sec-WebSocket-Key");
            return;
        }
        String protocol = ZwsHandshake.choose(headers, config);
        if (protocol == null) {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "no ZWS subprotocol this socket speaks among "
                    + ZwsHandshake.offered(headers) + " (it speaks " + ZwsHandshake.offer(config) + ")");
            return;
        }
        succeeded();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, ZwsHandshake.accept(key.trim()))
                .set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, protocol);
        ctx.writeAndFlush(response, ctx.voidPromise());
        upgraded = true;
        // Only ZWS frames go out from here (the codec's READY at once), and the HTTP handlers leave
        // before anything else is read: the client may send its first frames as soon as it has our
        // 101, and the decoder hands on any bytes it still holds.
        HttpServerCodec http = ctx.pipeline().get(HttpServerCodec.class);
        http.removeOutboundHandler();
        ctx.pipeline().remove("ws-http-aggregator");
        ZwsHandshake.switchToZws(ctx, config, true, protocol);
        ctx.pipeline().remove(http);
        ctx.pipeline().remove(this);
    }

    /** A broken request (too long a line or header, say): an error answer, not a stack trace per request. */
    @Override
    void badInput(ChannelHandlerContext ctx, Throwable cause) {
        answer(ctx, HttpResponseStatus.BAD_REQUEST, "bad HTTP request: " + cause.getMessage());
    }

    /** Refuses the upgrade with an HTTP error saying why, then closes. */
    private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String detail) {
        fail(ctx, HandshakeFailed.Reason.PROTOCOL, detail);
        ByteBuf body = Unpooled.copiedBuffer(detail + "\n", StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.UPGRADE_REQUIRED) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
