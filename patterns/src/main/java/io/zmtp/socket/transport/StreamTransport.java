package io.zmtp.socket.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.LoopPermit;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.SocketOptions;
import io.zmtp.socket.pipe.LinkGate;
import io.zmtp.socket.pipe.Pipe;

import java.net.SocketAddress;

/**
 * What tcp and ipc share: ZMTP over a Netty stream channel of the context's I/O backend. A
 * listener accepts connections, a {@link Connecter} keeps a connect connected; each connection
 * gets the codec's pipeline and a {@link PeerHandler}, which admits its peer after the handshake
 * (a STREAM socket's gets a {@link RawStreamHandler} instead of the codec, and its peer at once).
 * The subclasses say only how addresses and socket options differ.
 */
abstract class StreamTransport implements Transport {
    /**
     * Bytes a connection may hold unsent before its pipe stops writing into it (high) and starts
     * again (low). Netty's default (64 KiB / 32 KiB) is one 64 KiB message: the writability flipped
     * with nearly every message, each flip a trip through the pipeline. The pipes' HWMs still bound
     * what waits beyond this.
     */
    static final WriteBufferWaterMark WRITE_WATER_MARK = new WriteBufferWaterMark(256 * 1024, 512 * 1024);

    /** Gets the address ready (ipc: a stale socket file goes); throws naming the endpoint when it cannot be used. */
    void prepareBind(TransportHost host, Endpoint endpoint) {
    }

    abstract SocketAddress bindAddress(TransportHost host, Endpoint endpoint);

    abstract SocketAddress connectAddress(TransportHost host, Endpoint endpoint);

    /** Socket options of this transport's channels (tcp: TCP_NODELAY, SO_KEEPALIVE). */
    void configure(ServerBootstrap bootstrap, SocketOptions options) {
    }

    void configure(Bootstrap bootstrap, SocketOptions options) {
    }

    /** Binds, retrying where the transport knows a bind may fail for a moment. */
    ChannelFuture bind(TransportHost host, Endpoint endpoint, ServerBootstrap bootstrap, SocketAddress address) {
        return bootstrap.bind(address).awaitUninterruptibly();
    }

    /** The listener of a bound channel: its real endpoint, and how it stops. */
    abstract Listener listener(TransportHost host, Endpoint endpoint, Channel server);

    @Override
    public Listener bind(TransportHost host, Endpoint endpoint) {
        prepareBind(host, endpoint);
        ServerBootstrap b = new ServerBootstrap().group(host.loop())
                .channel(host.context().io().serverChannelClass(endpoint))
                .handler(acceptFailures(endpoint.toString()))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_WATER_MARK)
                .childHandler(initializer(host, null, endpoint, null));
        configure(b, host.options());
        ChannelFuture f = bind(host, endpoint, b, bindAddress(host, endpoint));
        if (!f.isSuccess()) {
            host.emit(SocketEvent.Type.BIND_FAILED, endpoint.toString(), String.valueOf(f.cause()));
            throw new IllegalStateException("cannot bind " + endpoint + ": " + f.cause().getMessage(), f.cause());
        }
        return listener(host, endpoint, f.channel());
    }

    @Override
    public Dialer connect(TransportHost host, Endpoint endpoint, Pipe pipe) {
        Connecter c = new Connecter(host, this, pipe, endpoint, connectAddress(host, endpoint));
        c.start();
        return c;
    }

    /** The bootstrap of one connection attempt of {@code connecter}. */
    Bootstrap connectBootstrap(TransportHost host, Pipe pipe, Endpoint endpoint, Connecter connecter) {
        Bootstrap b = new Bootstrap().group(host.loop()).channel(host.context().io().channelClass(endpoint))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_WATER_MARK)
                .handler(initializer(host, pipe, endpoint, connecter));
        configure(b, host.options());
        return b;
    }

    /**
     * One {@link AcceptFailureHandler} per listening channel: a bind that is retried (a port a
     * closed listener still held) makes a second channel from the same bootstrap, and a handler
     * that is not sharable cannot join two pipelines (that failed the retry with a closed channel).
     */
    private static ChannelInitializer<Channel> acceptFailures(String endpoint) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel listener) {
                listener.pipeline().addLast(new AcceptFailureHandler(endpoint));
            }
        };
    }

    /**
     * Adds the protocol's handlers to a new connection, ahead of its {@link PeerHandler}: the ZMTP
     * codec (a STREAM socket's: raw bytes). {@code pipe} is null for an accepted connection.
     */
    void installProtocol(Channel ch, TransportHost host, Endpoint endpoint, Pipe pipe) {
        if (host.type() == SocketType.STREAM) {
            ch.pipeline().addLast("zmtp-raw", new RawStreamHandler(host));
        } else {
            ZmtpPipeline.install(ch.pipeline(), host.options().codecConfig());
        }
    }

    private ChannelInitializer<Channel> initializer(TransportHost host, Pipe pipe, Endpoint target, Connecter connecter) {
        String endpoint = target.toString();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                LoopPermit permit = host.permit();
                if (permit != null) {
                    permit.hold();
                    // First in the pipeline: every event reaches socket code with the loop's permit.
                    ch.pipeline().addFirst("zmtp-gate", new LinkGate(permit, host::execute));
                }
                if (host.isClosing() && pipe == null) {
                    ch.close();
                    return;
                }
                host.track(ch);
                installProtocol(ch, host, target, pipe);
                ch.pipeline().addLast("zmtp-socket", new PeerHandler(host, pipe, endpoint, connecter));
                if (pipe == null) {
                    host.emit(SocketEvent.Type.ACCEPTED, endpoint, SocketEvent.text(ch.remoteAddress()));
                }
            }
        };
    }
}
