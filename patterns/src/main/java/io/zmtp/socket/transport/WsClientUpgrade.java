package io.zmtp.socket.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.handshake.HandshakeFailed;
import io.zmtp.socket.Endpoint;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the ZWS upgrade, behind Netty's HTTP client codec and a small aggregator:
 * once connected it sends the GET for the endpoint's path, offering this socket's ZWS
 * subprotocols as libzmq does ({@code ZWS2.0/NULL,ZWS2.0} for NULL); a 101 with the right accept
 * key and one of those subprotocols switches the connection to ZWS (see {@link ZwsHandshake}),
 * anything else is a handshake failure. The server's first ZWS frames may arrive in the read that
 * brought the 101: the HTTP decoder hands them on as bytes, and this handler passes them to the
 * ZWS decoder.
 */
final class WsClientUpgrade extends ChannelInboundHandlerAdapter {
    private final ZmtpConfig config;
    private final Endpoint endpoint;
    private final long timeoutMillis;
    private String key;
    private ScheduledFuture<?> deadline;
    private boolean upgraded;
    private boolean done;

    WsClientUpgrade(ZmtpConfig config, Endpoint endpoint, long timeoutMillis) {
        this.config = config;
        this.endpoint = endpoint;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, endpoint.path());
        String host = endpoint.host().contains(":") ? "[" + endpoint.host() + "]" : endpoint.host();
        request.headers().set(HttpHeaderNames.HOST, host + ":" + endpoint.port())
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, key)
                .set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, ZwsHandshake.offer(config))
                .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        ctx.writeAndFlush(request, ctx.voidPromise());
        deadline = ZwsHandshake.deadline(ctx, timeoutMillis, () -> {
            if (!done) {
                done = true;
                ZwsHandshake.refuse(ctx, HandshakeFailed.Reason.TIMEOUT, "no answer to the WebSocket upgrade within "
                        + timeoutMillis + " ms");
                ctx.close();
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (done || !(msg instanceof FullHttpResponse response)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            answered(ctx, response);
        } finally {
            response.release();
        }
    }

    private void answered(ChannelHandlerContext ctx, FullHttpResponse response) {
        done = true;
        cancelDeadline();
        String problem = problem(response);
        if (problem != null) {
            ZwsHandshake.refuse(ctx, HandshakeFailed.Reason.PROTOCOL, problem);
            ctx.close();
            return;
        }
        String protocol = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL).trim();
        // From here on only ZWS frames go out: the HTTP encoder leaves now, the decoder after this read.
        ctx.pipeline().get(HttpClientCodec.class).removeOutboundHandler();
        upgraded = true;
        ZwsHandshake.switchToZws(ctx, config, false, protocol);
        ctx.channel().eventLoop().execute(() -> {
            if (ctx.pipeline().get("ws-http-aggregator") != null) {
                ctx.pipeline().remove("ws-http-aggregator");
            }
            if (ctx.pipeline().get("ws-http") != null) {
                ctx.pipeline().remove("ws-http");
            }
            if (!ctx.isRemoved()) {
                ctx.pipeline().remove(this);
            }
        });
    }

    /** What is wrong with the server's answer, or null when it accepted the upgrade. */
    private String problem(FullHttpResponse response) {
        if (!response.decoderResult().isSuccess()) {
            return "malformed HTTP answer to the upgrade";
        }
        if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            return "the server answered the upgrade to " + endpoint.path() + " with " + response.status();
        }
        var headers = response.headers();
        if (!ZwsHandshake.hasToken(headers, HttpHeaderNames.UPGRADE, "websocket")
                || !ZwsHandshake.hasToken(headers, HttpHeaderNames.CONNECTION, "upgrade")) {
            return "the server's 101 does not switch to websocket";
        }
        if (!ZwsHandshake.accept(key).equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT))) {
            return "the server's Sec-WebSocket-Accept does not match our key";
        }
        String protocol = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (protocol == null || !java.util.List.of(ZwsHandshake.offer(config).split(",")).contains(protocol.trim())) {
            return "the server chose subprotocol " + protocol + ", not one of " + ZwsHandshake.offer(config);
        }
        return null;
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

    /** wss: a TLS handshake that failed is the connection's handshake failure (SslHandler closes it). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess() && !done) {
            done = true;
            cancelDeadline();
            ZwsHandshake.refuse(ctx, HandshakeFailed.Reason.AUTH, "TLS handshake failed: " + tls.cause().getMessage());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (upgraded) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (!done) {
            done = true;
            cancelDeadline();
            javax.net.ssl.SSLException tls = ZwsHandshake.tlsFailure(cause);
            if (tls != null) {
                ZwsHandshake.refuse(ctx, HandshakeFailed.Reason.AUTH, "TLS handshake failed: " + tls.getMessage());
            } else {
                ZwsHandshake.refuse(ctx, HandshakeFailed.Reason.PROTOCOL, "bad HTTP answer: " + cause.getMessage());
            }
        }
        ctx.close();
    }
}
