package io.zmtp.config.console;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.zmtp.config.server.ConfigServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The config server's web console and metrics endpoint: an HTTP port of its own, served on
 * Netty's HTTP codec by one event-loop thread, with store work on two worker threads so a slow
 * database never stalls the loop. Everything it holds is bounded: connections, request bodies
 * (each and in total), sessions, event streams, queued work. See CONSOLE.md for the API.
 */
public final class ConsoleServer implements AutoCloseable {
    /** Open HTTP connections at most; more are closed at once. */
    static final int MAX_CONNECTIONS = 256;
    /** Largest request body (a change set); bigger change sets go through the CLI. */
    static final int MAX_BODY = 16 << 20;
    /** Request bodies held at once, all connections together. */
    static final long BODY_BUDGET = 64L << 20;
    /** A connection with no traffic either way for this long is closed (event streams send keep-alives). */
    static final Duration IDLE = Duration.ofSeconds(120);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ThreadPoolExecutor workers;
    private final Channel channel;
    private final ConsoleHandler.Shared shared;

    /**
     * Starts serving at {@code endpoint} ({@code tcp://HOST:PORT}; {@code *} for every interface,
     * port 0 or {@code *} for any free port).
     *
     * @param metrics what {@code /metrics} serves (Prometheus text), or null for no such page
     */
    public ConsoleServer(ConfigServer server, String endpoint, Supplier<String> metrics) {
        InetSocketAddress bind = parse(endpoint);
        AtomicInteger threads = new AtomicInteger();
        workers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "console-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        shared = new ConsoleHandler.Shared(new ConsoleApi(server), server, new ConsoleSessions(Duration.ofMinutes(30), 1000),
                workers, metrics, new BodyBudget(BODY_BUDGET), StaticFiles.load());
        AtomicInteger open = new AtomicInteger();
        try {
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                                open.decrementAndGet();
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE.toSeconds(), TimeUnit.SECONDS),
                                    new HttpServerCodec(8192, 16384, 8192),
                                    new RequestGate(shared),
                                    new HttpObjectAggregator(MAX_BODY),
                                    new ConsoleHandler(shared));
                        }
                    })
                    .bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot serve the console at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** The address the console listens on, with its port resolved. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Where a browser on this machine finds the console. */
    public String url() {
        InetSocketAddress a = address();
        InetAddress host = a.getAddress();
        String name = host.isAnyLocalAddress() ? "127.0.0.1"
                : host instanceof java.net.Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return "http://" + name + ":" + a.getPort() + "/";
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.closed = true;
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** The address of {@code tcp://HOST:PORT}; IllegalArgumentException saying what is wrong otherwise. */
    public static InetSocketAddress parse(String endpoint) {
        if (endpoint == null || !endpoint.startsWith("tcp://")) {
            throw new IllegalArgumentException("the console's endpoint must be tcp://HOST:PORT, got " + endpoint);
        }
        String rest = endpoint.substring("tcp://".length());
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("the console's endpoint needs a port: " + endpoint);
        }
        String host = rest.substring(0, colon);
        String port = rest.substring(colon + 1);
        int p;
        try {
            p = port.equals("*") ? 0 : Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the console's port is not a number: " + endpoint);
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("the console's port is out of range: " + endpoint);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.equals("*") ? new InetSocketAddress(p) : new InetSocketAddress(host, p);
    }
}
