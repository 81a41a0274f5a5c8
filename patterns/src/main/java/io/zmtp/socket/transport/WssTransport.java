package io.zmtp.socket.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.pipe.Pipe;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * wss, ws over TLS ({@code wss://host:port/path}, libzmq's ZMQ_WSS_* options): Netty's
 * {@link SslHandler} goes first on every connection, then everything ws does. A bind's context
 * (our certificate and key, and the CAs clients must be signed by, if any) is made at the bind, a
 * connect's (the CAs we trust, our certificate if we have one) at the connect; either refuses a
 * missing or unusable certificate naming the endpoint. A connect checks the server's certificate
 * for the endpoint's host, or for WSS_HOSTNAME. A failed TLS handshake is a failed ZMTP handshake
 * (HANDSHAKE_FAILED_AUTH: the certificate was not trusted) in the monitor.
 */
final class WssTransport extends WsTransport {
    /** The TLS context of each bind and connect, by its endpoint object. */
    private final Map<Endpoint, SslContext> contexts = Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public String scheme() {
        return "wss";
    }

    @Override
    public Listener bind(TransportHost host, Endpoint endpoint) {
        contexts.put(endpoint, host.options().wssServerContext(endpoint.toString()));
        try {
            Listener l = super.bind(host, endpoint);
            return Listener.of(l.endpoint(), () -> {
                contexts.remove(endpoint);
                return l.close();
            });
        } catch (RuntimeException e) {
            contexts.remove(endpoint);
            throw e;
        }
    }

    @Override
    public Dialer connect(TransportHost host, Endpoint endpoint, Pipe pipe) {
        contexts.put(endpoint, host.options().wssClientContext(endpoint.toString()));
        Dialer d = super.connect(host, endpoint, pipe);
        return () -> {
            contexts.remove(endpoint);
            d.stop();
        };
    }

    @Override
    void installProtocol(Channel ch, TransportHost host, Endpoint endpoint, Pipe pipe) {
        SslContext tls = contexts.get(endpoint);
        if (tls == null) {
            ch.close();
            return;
        }
        SslHandler handler;
        if (pipe == null) {
            handler = tls.newHandler(ch.alloc());
        } else {
            String name = host.options().wssHostname() != null ? host.options().wssHostname() : endpoint.host();
            handler = tls.newHandler(ch.alloc(), name, endpoint.port());
        }
        handler.setHandshakeTimeoutMillis(Math.max(0, host.options().codecConfig().handshakeTimeout().toMillis()));
        ch.pipeline().addLast("wss-tls", handler);
        super.installProtocol(ch, host, endpoint, pipe);
    }
}
