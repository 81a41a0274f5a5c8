package io.zmtp.codec.interop;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.handshake.HandshakeCompleted;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The codec on a real TCP connection: a Netty client or one-connection server whose received
 * messages and user events land in a queue the test reads with timeouts. Commands leaving the
 * command decoder (PING and PONG too) are also recorded, in a queue of their own.
 */
final class CodecEndpoint implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private volatile Channel channel;
    private Channel server;

    private ChannelInitializer<SocketChannel> initializer(ZmtpConfig config) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                channel = ch;
                ZmtpPipeline.install(ch.pipeline(), config);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        inbox.add(msg);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof HandshakeCompleted && ctx.pipeline().get("zmtp-command-decoder") != null) {
                            ctx.pipeline().addAfter("zmtp-command-decoder", "command-probe", new CommandProbe());
                        }
                        inbox.add(evt);
                    }
                });
            }
        };
    }

    /** Listens on 127.0.0.1 and an ephemeral port; returns the port. */
    int listen(ZmtpConfig config) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(initializer(config)).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    void connect(ZmtpConfig config, int port) {
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(initializer(config))
                .connect("127.0.0.1", port).syncUninterruptibly();
    }

    void send(ZmtpMessage message) {
        channel.writeAndFlush(message);
    }

    /** Writes anything the codec takes (a message, a frame, a command). */
    void write(Object msg) {
        channel.writeAndFlush(msg);
    }

    /** True while the (last) connection is open. */
    boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /**
     * The next command the peer sent, as the command decoder passed it on (PING and PONG included,
     * which the heartbeat handler then consumes), or {@code null} after {@code timeoutMillis}.
     */
    Command nextCommand(long timeoutMillis) throws InterruptedException {
        return commands.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The next received object of {@code type} within {@code timeoutMillis}, or {@code null}; others are released. */
    <T> T poll(Class<T> type, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            Object o = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (o == null) {
                return null;
            }
            if (type.isInstance(o)) {
                return type.cast(o);
            }
            ReferenceCountUtil.release(o);
        }
    }

    /** Records the commands that leave the command decoder. */
    private final class CommandProbe extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Command c) {
                commands.add(c);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** The next received object of {@code type}, skipping (and releasing) others; fails after 10 s. */
    <T> T next(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long left = deadline - System.nanoTime();
            Object o = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (o == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
            }
            if (type.isInstance(o)) {
                return type.cast(o);
            }
            ReferenceCountUtil.release(o);
        }
    }

    /** True when an object of {@code type} is waiting in the inbox. */
    boolean inboxHas(Class<?> type) {
        return inbox.stream().anyMatch(type::isInstance);
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        Object o;
        while ((o = inbox.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}
