package io.zmtp.config.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** How the console answers: JSON with its status, the security headers on everything. */
final class Responses {
    private Responses() {
    }

    static void json(Channel ch, HttpResponseStatus status, JsonNode body, boolean keepAlive, String... headers) {
        byte[] bytes;
        try {
            bytes = ConsoleApi.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        send(ch, status, bytes, "application/json; charset=utf-8", keepAlive, headers);
    }

    static void error(Channel ch, HttpResponseStatus status, String code, String message, boolean keepAlive,
                      String... headers) {
        ObjectNode o = ConsoleApi.JSON.createObjectNode();
        o.put("error", code);
        o.put("message", message);
        json(ch, status, o, keepAlive, headers);
    }

    static void send(Channel ch, HttpResponseStatus status, byte[] body, String type, boolean keepAlive,
                     String... headers) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, type);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        secure(h);
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        if (keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ch.writeAndFlush(r);
        } else {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Only this origin's scripts, styles and connections (no inline script, so injected markup
     * cannot run), no framing, no type sniffing, no referrer.
     */
    static void secure(HttpHeaders h) {
        h.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
