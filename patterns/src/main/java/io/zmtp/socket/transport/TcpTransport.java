package io.zmtp.socket.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.SocketOptions;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** ZMTP over TCP ({@code tcp://host:port}, {@code tcp://*:*}): TCP_NODELAY on, SO_KEEPALIVE as TCP_KEEPALIVE says. */
class TcpTransport extends StreamTransport {
    /** Ports whose listener a socket of one context closed, and when (per context). */
    static final class ReleasedPorts {
        private final Map<Integer, Long> released = new ConcurrentHashMap<>();

        void released(int port) {
            released.put(port, System.nanoTime());
        }

        /** True when a listener of this context gave up {@code port} within the last few seconds. */
        boolean recentlyReleased(int port) {
            Long at = released.get(port);
            return at != null && System.nanoTime() - at < TimeUnit.SECONDS.toNanos(5);
        }
    }

    @Override
    public String scheme() {
        return "tcp";
    }

    @Override
    SocketAddress bindAddress(TransportHost host, Endpoint endpoint) {
        return endpoint.bindAddress();
    }

    @Override
    public void checkConnectable(Endpoint endpoint) {
        endpoint.connectAddress();
    }

    @Override
    SocketAddress connectAddress(TransportHost host, Endpoint endpoint) {
        return endpoint.connectAddress();
    }

    @Override
    void configure(ServerBootstrap bootstrap, SocketOptions options) {
        bootstrap.childOption(ChannelOption.TCP_NODELAY, true);
        if (options.tcpKeepAlive() >= 0) {
            bootstrap.childOption(ChannelOption.SO_KEEPALIVE, options.tcpKeepAlive() == 1);
        }
    }

    @Override
    void configure(Bootstrap bootstrap, SocketOptions options) {
        bootstrap.option(ChannelOption.TCP_NODELAY, true);
        if (options.tcpKeepAlive() >= 0) {
            bootstrap.option(ChannelOption.SO_KEEPALIVE, options.tcpKeepAlive() == 1);
        }
    }

    /**
     * A listener this context closed a moment ago may still hold the port: the JDK releases a
     * selector-registered socket only at the loop's next select. Give it a bounded moment.
     */
    @Override
    ChannelFuture bind(TransportHost host, Endpoint endpoint, ServerBootstrap bootstrap, SocketAddress address) {
        ChannelFuture f = bootstrap.bind(address).awaitUninterruptibly();
        ReleasedPorts ports = host.context().transportState(ReleasedPorts.class, ReleasedPorts::new);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!f.isSuccess() && f.cause() instanceof java.net.BindException && endpoint.port() != 0
                && ports.recentlyReleased(endpoint.port()) && System.nanoTime() < until) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            f = bootstrap.bind(address).awaitUninterruptibly();
        }
        return f;
    }

    @Override
    Listener listener(TransportHost host, Endpoint endpoint, Channel server) {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        String bound = endpoint.isWildcardHost() ? "tcp://0.0.0.0:" + port : endpoint.withPort(port).toString();
        ReleasedPorts ports = host.context().transportState(ReleasedPorts.class, ReleasedPorts::new);
        return Listener.of(bound, () -> {
            ports.released(port);
            return server.close();
        });
    }
}
