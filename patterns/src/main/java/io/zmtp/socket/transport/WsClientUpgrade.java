package io.zmtp.socket.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
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
final class WsClientUpgrade extends WsUpgrade<FullHttpResponse> {
    private final Endpoint endpoint;
    private String key;

    WsClientUpgrade(ZmtpConfig config, Endpoint endpoint, long timeoutMillis) {
        super(config, timeoutMillis, FullHttpResponse.class);
        this.endpoint = endpoint;
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
        startDeadline(ctx, "no answer to the WebSocket upgrade");
        ctx.fireChannelActive();
    }

    @Override
    void upgrade(ChannelHandlerContext ctx, FullHttpResponse response) {
        String problem = problem(response);
        if (problem != null) {
            fail(ctx, HandshakeFailed.Reason.PROTOCOL, problem);
            ctx.close();
            return;
        }
        succeeded();
        String protocol = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL).trim();
        // From here on only ZWS frames go out: the HTTP encoder leaves now, the decoder after this read
        // (it is in the middle of it, and hands on as bytes whatever came behind the 101).
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

    @Override
    void badInput(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, HandshakeFailed.Reason.PROTOCOL, "bad HTTP answer: " + cause.getMessage());
        ctx.close();
    }
}
