package io.zmtp.socket.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.pipe.Pipe;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ws, ZeroMQ over WebSocket as libzmq's ws transport speaks it (ZWS 2.0, ZeroMQ RFC 45):
 * {@code ws://host:port/path}. A connection starts as HTTP (an upgrade GET for the path, answered
 * with 101; {@link WsServerUpgrade}, {@link WsClientUpgrade}), then each ZMTP frame travels as one
 * binary WebSocket message and the codec runs as on tcp, its handshake started by the subprotocol
 * instead of a greeting: the codec's encoder writes the WebSocket framing itself
 * ({@link ZwsEnvelope}), and {@link ZwsDecoder} turns what arrives into ZMTP frames in the read
 * buffer itself. TCP underneath, with tcp's
 * options and reconnects.
 *
 * <p>One socket may bind several paths on one port: the first bind listens, the others add their
 * path to that listener, and a request for a path nobody bound gets 404. (libzmq takes any path
 * on a port one socket listens on.) Another socket's bind of that port fails, as with libzmq.
 */
class WsTransport extends TcpTransport {
    /**
     * What each bind listens for, by the endpoint object it was bound with (identity: two sockets
     * may bind equal endpoints with port 0), known before the listening channel exists, so a
     * connection accepted at once finds its paths.
     */
    private final Map<Endpoint, Served> served = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    /** One listening channel: whose socket it is, where, and the paths it serves. */
    private static final class Served {
        final TransportHost host;
        final String bindHost;
        final Set<String> paths = ConcurrentHashMap.newKeySet();
        volatile int port;
        volatile Channel server;

        Served(TransportHost host, String bindHost, int port) {
            this.host = host;
            this.bindHost = bindHost;
            this.port = port;
        }
    }

    @Override
    public String scheme() {
        return "ws";
    }

    @Override
    public void checkConnectable(SocketType type, Endpoint endpoint) {
        refuseStream(type, endpoint);
        checkConnectable(endpoint);
    }

    private static void refuseStream(SocketType type, Endpoint endpoint) {
        if (type == SocketType.STREAM) {
            throw new IllegalArgumentException("a STREAM socket speaks raw TCP, not ws (" + endpoint + ")");
        }
    }

    @Override
    public Listener bind(TransportHost host, Endpoint endpoint) {
        refuseStream(host.type(), endpoint);
        synchronized (served) {
            if (endpoint.port() != 0) {
                for (Served s : new java.util.ArrayList<>(served.values())) {
                    if (s.host == host && s.port == endpoint.port() && s.bindHost.equals(endpoint.host()) && s.server != null) {
                        if (!s.paths.add(endpoint.path())) {
                            throw new IllegalStateException("cannot bind " + endpoint + ": this socket already serves that path");
                        }
                        return listenerOf(s, endpoint);
                    }
                }
            }
            Served s = new Served(host, endpoint.host(), endpoint.port());
            s.paths.add(endpoint.path());
            served.put(endpoint, s);
        }
        try {
            return super.bind(host, endpoint);
        } catch (RuntimeException e) {
            served.remove(endpoint);
            throw e;
        }
    }

    @Override
    Listener listener(TransportHost host, Endpoint endpoint, Channel server) {
        Served s = served.get(endpoint);
        s.port = ((InetSocketAddress) server.localAddress()).getPort();
        s.server = server;
        return listenerOf(s, endpoint);
    }

    private Listener listenerOf(Served s, Endpoint endpoint) {
        String host = endpoint.isWildcardHost() ? "0.0.0.0" : endpoint.host().contains(":") ? "[" + endpoint.host() + "]"
                : endpoint.host();
        String bound = scheme() + "://" + host + ":" + s.port + endpoint.path();
        return Listener.of(bound, () -> {
            synchronized (served) {
                s.paths.remove(endpoint.path());
                if (!s.paths.isEmpty()) {
                    return s.server.eventLoop().newSucceededFuture(null);
                }
                served.values().remove(s);
            }
            // The port goes back to the context's list of recently released ones, as tcp's do.
            s.host.context().transportState(ReleasedPorts.class, ReleasedPorts::new).released(s.port);
            return s.server.close();
        });
    }

    @Override
    void installProtocol(Channel ch, TransportHost host, Endpoint endpoint, Pipe pipe) {
        ZmtpConfig config = host.options().codecConfig();
        long timeout = config.handshakeTimeout().toMillis();
        ChannelPipeline p = ch.pipeline();
        if (pipe == null) {
            Served s = served.get(endpoint);
            Set<String> paths = s == null ? Set.of() : s.paths;
            p.addLast("ws-http", new HttpServerCodec(4096, 8192, 8192));
            p.addLast("ws-http-aggregator", new HttpObjectAggregator(8192));
            p.addLast("ws-upgrade", new WsServerUpgrade(config, paths::contains, timeout));
        } else {
            p.addLast("ws-http", new HttpClientCodec(4096, 8192, 8192));
            p.addLast("ws-http-aggregator", new HttpObjectAggregator(8192));
            p.addLast("ws-upgrade", new WsClientUpgrade(config, endpoint, timeout));
        }
    }
}
