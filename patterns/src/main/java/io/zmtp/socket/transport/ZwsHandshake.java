package io.zmtp.socket.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.handshake.GreetingReceived;
import io.zmtp.codec.handshake.HandshakeFailed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the ZWS 2.0 upgrade needs on both sides: the subprotocols ({@code ZWS2.0/NULL},
 * {@code ZWS2.0/PLAIN}, {@code ZWS2.0/CURVE} name the mechanism whose handshake follows, as in
 * libzmq; plain {@code ZWS2.0} means no mechanism, only identity frames, and is spoken by a NULL
 * socket without authentication only), RFC 6455's accept key, and the switch from HTTP to ZWS: the
 * WebSocket frame handlers and the codec go in, and the codec's handshake starts as after a greeting.
 */
final class ZwsHandshake {
    static final String NO_MECHANISM = "ZWS2.0";
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private ZwsHandshake() {
    }

    /** The subprotocol of this socket's mechanism, e.g. {@code ZWS2.0/NULL}. */
    static String mechanismProtocol(ZmtpConfig config) {
        return NO_MECHANISM + "/" + config.mechanismName();
    }

    /** Whether this socket may speak ZWS 2.0 without a mechanism (identity frames, as ZMTP 2.0). */
    static boolean allowsNoMechanism(ZmtpConfig config) {
        return ZmtpPipeline.legacyRefusal(config) == null;
    }

    /** What a client offers, best first: libzmq offers {@code ZWS2.0/NULL,ZWS2.0} for NULL. */
    static String offer(ZmtpConfig config) {
        return mechanismProtocol(config) + (allowsNoMechanism(config) ? "," + NO_MECHANISM : "");
    }

    /** The first of the offered subprotocols (in the client's order) this socket speaks, or null. */
    static String choose(HttpHeaders headers, ZmtpConfig config) {
        for (String p : offered(headers)) {
            if (p.equals(mechanismProtocol(config)) || p.equals(NO_MECHANISM) && allowsNoMechanism(config)) {
                return p;
            }
        }
        return null;
    }

    /** Every Sec-WebSocket-Protocol value, split at commas (the header may repeat). */
    static List<String> offered(HttpHeaders headers) {
        List<String> all = new ArrayList<>();
        for (String v : headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String p : v.split(",")) {
                if (!p.isBlank()) {
                    all.add(p.trim());
                }
            }
        }
        return all;
    }

    /** True when a header holds {@code token} in its comma-separated list, in any case. */
    static boolean hasToken(HttpHeaders headers, CharSequence name, String token) {
        for (String v : headers.getAll(name)) {
            for (String t : v.split(",")) {
                if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** RFC 6455 4.2.2: base64 of the SHA-1 of the key and the protocol's GUID. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /**
     * The upgrade is through: puts the ZWS frame handlers and the codec behind {@code ctx} and starts
     * the codec's handshake (a mechanism's for {@code ZWS2.0/...}, identity frames for plain ZWS2.0).
     */
    static void switchToZws(ChannelHandlerContext ctx, ZmtpConfig config, boolean server, String protocol) {
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "zws-decoder", new ZwsDecoder(server));
        // The codec's encoder writes the WebSocket framing itself (a client masks).
        ZmtpPipeline.installWithoutGreeting(p, "zws-decoder", config, new ZwsEnvelope(!server));
        if (p.get(SslHandler.class) != null) {
            // wss: TLS rewrites every byte below the codec, so no write may go to the socket directly.
            p.get(FrameEncoder.class).keepWritesInPipeline();
        }
        ZmtpVersion version = protocol.equals(NO_MECHANISM) ? ZmtpVersion.V2_0 : ZmtpVersion.V3_1;
        ctx.fireUserEventTriggered(new GreetingReceived(version, false));
    }

    /** The upgrade failed: the socket hears of it as a handshake failure, then the connection closes. */
    static void refuse(ChannelHandlerContext ctx, HandshakeFailed.Reason reason, String detail) {
        ctx.fireUserEventTriggered(new HandshakeFailed(reason, "ws: " + detail));
    }

    /** The TLS failure in {@code cause}'s chain (a wss handshake that failed), or null. */
    static javax.net.ssl.SSLException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /** Closes the connection if the upgrade is not through within {@code millis} (0: no limit). */
    static ScheduledFuture<?> deadline(ChannelHandlerContext ctx, long millis, Runnable onTimeout) {
        if (millis <= 0) {
            return null;
        }
        return ctx.executor().schedule(onTimeout, millis, TimeUnit.MILLISECONDS);
    }
}
