package io.zmtp.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.codec.handshake.HandshakeCompleted;
import io.zmtp.codec.mechanism.PlainMechanism;
import io.zmtp.config.protocol.Wire;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A whitelisted node that asks and never reads the answers: a DEALER-typed connection made with
 * the bare codec, whose reading stops once its handshake is done, so everything the server sends
 * it stays queued on the server's side (the attack of hostile-input finding A). A socket of ours
 * would not do: it reads ahead into its own queues.
 */
final class SilentNode implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    SilentNode(String syncEndpoint, String node, String password) throws Exception {
        String hostPort = syncEndpoint.substring("tcp://".length());
        int colon = hostPort.lastIndexOf(':');
        CompletableFuture<Void> ready = new CompletableFuture<>();
        ZmtpConfig config = ZmtpConfig.builder(SocketType.DEALER)
                .mechanism(() -> PlainMechanism.client(node, password)).build();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4096)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ZmtpPipeline.install(ch.pipeline(), config);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof HandshakeCompleted) {
                                    ctx.channel().config().setAutoRead(false);
                                    ready.complete(null);
                                }
                                ctx.fireUserEventTriggered(evt);
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                ready.completeExceptionally(new IllegalStateException("connection closed"));
                            }
                        });
                    }
                }).connect(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))
                .sync().channel();
        ready.get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code count} requests for a full sync of {@code namespace}, as fast as they go. */
    void syncFromZero(String node, String namespace, int count) {
        for (int i = 0; i < count; i++) {
            ObjectNode h = Wire.object();
            h.put("node", node);
            h.put("ns", namespace);
            h.put("from", 0);
            h.put("req", i + 1);
            channel.write(ZmtpMessage.of(Unpooled.copiedBuffer(Wire.SYNC, StandardCharsets.US_ASCII),
                    Unpooled.wrappedBuffer(Wire.json(h))));
        }
        channel.flush();
    }

    /**
     * Writes {@code bytes} straight to the connection, past the codec's encoder: for attacks the
     * encoder would not produce (a multipart message that never ends, say).
     */
    void writeRaw(io.netty.buffer.ByteBuf bytes) {
        channel.pipeline().firstContext().writeAndFlush(bytes);
    }

    /** Reads (and drops) what the server sends from now on, so a close by the server is noticed. */
    void readAgain() {
        channel.config().setAutoRead(true);
    }

    /** Completes when the server closed the connection. */
    io.netty.channel.ChannelFuture closed() {
        return channel.closeFuture();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
