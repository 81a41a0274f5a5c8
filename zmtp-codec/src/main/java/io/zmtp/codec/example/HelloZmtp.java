package io.zmtp.codec.example;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.codec.handshake.HandshakeCompleted;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The codec in a plain Netty program: a REP-typed server that answers every request with "World",
 * and a REQ-typed client that sends "Hello" three times. The codec is not a socket layer, so the
 * application writes the REQ/REP envelope (an empty delimiter frame) itself. Either side can be
 * swapped for libzmq: run {@code python3 -c "import zmq; s=zmq.Context().socket(zmq.REQ); ..."}
 * against the printed port.
 */
public final class HelloZmtp {
    private HelloZmtp() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ZmtpPipeline.install(ch.pipeline(), ZmtpConfig.builder(SocketType.REP).build());
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ZmtpMessage>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ZmtpMessage request) {
                                    // [empty delimiter][body] in, [empty delimiter]["World"] out.
                                    ctx.writeAndFlush(ZmtpMessage.ofStrings("", "World"));
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.println("REP server listening on tcp://127.0.0.1:" + port);

            BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ZmtpPipeline.install(ch.pipeline(), ZmtpConfig.builder(SocketType.REQ).build());
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ZmtpMessage>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ZmtpMessage reply) {
                                    inbox.add(reply.string(reply.size() - 1));
                                }

                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    inbox.add(evt);
                                }
                            });
                        }
                    }).connect("127.0.0.1", port).sync().channel();

            for (int i = 1; i <= 3; i++) {
                client.writeAndFlush(ZmtpMessage.ofStrings("", "Hello"));
                Object next;
                while ((next = inbox.poll(10, TimeUnit.SECONDS)) != null && !(next instanceof String)) {
                    if (next instanceof HandshakeCompleted done) {
                        System.out.println("handshake: " + done);
                    }
                }
                if (next == null) {
                    throw new IllegalStateException("no reply within 10 s");
                }
                System.out.println("request " + i + ": Hello -> " + next);
            }
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
