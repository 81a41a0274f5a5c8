package io.zmtp.socket.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.UntrustedText;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.LoopPermit;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * udp, RADIO and DISH's datagram transport, as libzmq has it: a DISH binds ({@code udp://*:5556},
 * {@code udp://127.0.0.1:5556}) and takes every datagram that reaches the port; a RADIO connects
 * ({@code udp://host:5556}) and sends each message as one datagram (see {@link UdpLink}). No
 * handshake, no JOIN on the wire: the RADIO sends every group, the DISH keeps what it joined.
 * Each side's one pipe is admitted as soon as its channel is bound. Multicast addresses are
 * refused (not built yet).
 */
final class UdpTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);
    /** libzmq's MAX_UDP_MSG: the largest datagram sent or taken. */
    static final int MAX_DATAGRAM = 8192;

    @Override
    public String scheme() {
        return "udp";
    }

    @Override
    public void checkConnectable(Endpoint endpoint) {
        if (endpoint.isWildcardHost() || endpoint.port() == 0) {
            throw new IllegalArgumentException("a udp connect needs a host and a port: " + endpoint);
        }
    }

    /** On the caller's thread: only a RADIO connects, to an address that resolves and is not multicast. */
    @Override
    public void checkConnectable(SocketType type, Endpoint endpoint) {
        checkType(type, SocketType.RADIO, "connect", endpoint);
        checkConnectable(endpoint);
        address(endpoint);
    }

    private static void checkType(SocketType type, SocketType allowed, String what, Endpoint endpoint) {
        if (type != allowed) {
            throw new IllegalArgumentException("udp: only a " + allowed + " may " + what + " (" + endpoint + "), not a "
                    + type);
        }
    }

    private static InetAddress address(Endpoint endpoint) {
        try {
            InetAddress a = InetAddress.getByName(endpoint.host());
            if (a.isMulticastAddress()) {
                throw new IllegalArgumentException("udp multicast (" + endpoint + ") is not supported yet; use a unicast address");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("udp: unknown host in " + endpoint, e);
        }
    }

    @Override
    public Listener bind(TransportHost host, Endpoint endpoint) {
        checkType(host.type(), SocketType.DISH, "bind", endpoint);
        InetSocketAddress local = endpoint.isWildcardHost() ? new InetSocketAddress(endpoint.port())
                : new InetSocketAddress(address(endpoint), endpoint.port());
        Pipe pipe = host.newPipe(false, endpoint.toString());
        ChannelFuture f = bootstrap(host, new Receiver(host, pipe, endpoint.toString())).bind(local).awaitUninterruptibly();
        if (!f.isSuccess()) {
            host.emit(SocketEvent.Type.BIND_FAILED, endpoint.toString(), String.valueOf(f.cause()));
            throw new IllegalStateException("cannot bind " + endpoint + ": " + f.cause().getMessage(), f.cause());
        }
        Channel ch = f.channel();
        int port = ((InetSocketAddress) ch.localAddress()).getPort();
        String bound = endpoint.isWildcardHost() ? "udp://0.0.0.0:" + port : endpoint.withPort(port).toString();
        host.emit(SocketEvent.Type.LISTENING, bound, "");
        return Listener.of(bound, ch::close);
    }

    @Override
    public Dialer connect(TransportHost host, Endpoint endpoint, Pipe pipe) {
        checkType(host.type(), SocketType.RADIO, "connect", endpoint);
        InetSocketAddress to = new InetSocketAddress(address(endpoint), endpoint.port());
        // Sent from an ephemeral port on every interface of the destination's family.
        InetSocketAddress local = new InetSocketAddress(to.getAddress() instanceof java.net.Inet6Address ? anyV6() : anyV4(), 0);
        ChannelFuture f = bootstrap(host, new Sender(host, pipe, endpoint.toString(), to)).bind(local);
        return () -> f.channel().close();
    }

    private static InetAddress anyV4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress anyV6() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Bootstrap bootstrap(TransportHost host, ChannelInboundHandlerAdapter handler) {
        return new Bootstrap().group(host.loop()).channel(host.context().io().datagramChannelClass())
                // One byte more than the largest datagram: a bigger one shows as too big, not cut short.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM + 1))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        hold(host);
                        host.track(ch);
                        ch.pipeline().addLast("zmtp-udp", handler);
                    }
                });
    }

    /** Socket code runs under the loop's permit (see {@link LoopPermit}). */
    private static void hold(TransportHost host) {
        LoopPermit permit = host.permit();
        if (permit != null) {
            permit.hold();
        }
    }

    /** Admits the one pipe of a udp channel once it is bound; reports its end. */
    private abstract static class UdpHandler extends ChannelInboundHandlerAdapter {
        final TransportHost host;
        final Pipe pipe;
        final String endpoint;
        boolean attached;

        UdpHandler(TransportHost host, Pipe pipe, String endpoint) {
            this.host = host;
            this.pipe = pipe;
            this.endpoint = endpoint;
        }

        abstract UdpLink link(Channel ch);

        abstract boolean fresh();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            hold(host);
            if (host.isClosing()) {
                ctx.close();
                return;
            }
            TransportHost.Admission a = host.admit(pipe, fresh(), link(ctx.channel()), null, null, "UDP", "",
                    String.valueOf(ctx.channel().localAddress()), () -> attached = true);
            if (a != TransportHost.Admission.ADMITTED) {
                ctx.close();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            hold(host);
            if (attached) {
                attached = false;
                host.emit(SocketEvent.Type.DISCONNECTED, endpoint, "");
                host.pipeDisconnected(pipe);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram socket outlives errors such as a port unreachable; the channel stays.
            log.debug("{}: udp {}: {}", host.type(), endpoint, UntrustedText.of(cause));
        }
    }

    /** A DISH's bound channel: each datagram becomes a [group, body] message of the pipe. */
    private static final class Receiver extends UdpHandler {
        Receiver(TransportHost host, Pipe pipe, String endpoint) {
            super(host, pipe, endpoint);
        }

        @Override
        UdpLink link(Channel ch) {
            return new UdpLink(ch, null);
        }

        @Override
        boolean fresh() {
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            hold(host);
            if (!(msg instanceof DatagramPacket packet)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf data = packet.content();
            try {
                int n = data.readableBytes();
                if (!attached || n < 1 || n > MAX_DATAGRAM) {
                    return;
                }
                int groupSize = data.getUnsignedByte(data.readerIndex());
                if (n - 1 < groupSize) {
                    return;
                }
                ByteBuf group = data.retainedSlice(data.readerIndex() + 1, groupSize);
                ByteBuf body = data.retainedSlice(data.readerIndex() + 1 + groupSize, n - 1 - groupSize);
                host.received(pipe, host.newMessage(List.of(group, body)));
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            hold(host);
            host.announceInbound();
            ctx.fireChannelReadComplete();
        }
    }

    /** A RADIO's channel: sends only (anything that arrives is dropped). */
    private static final class Sender extends UdpHandler {
        private final InetSocketAddress to;

        Sender(TransportHost host, Pipe pipe, String endpoint, InetSocketAddress to) {
            super(host, pipe, endpoint);
            this.to = to;
        }

        @Override
        UdpLink link(Channel ch) {
            return new UdpLink(ch, to);
        }

        @Override
        boolean fresh() {
            return false;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            hold(host);
            if (attached && ctx.channel().isWritable()) {
                pipe.writeQueued();
                pipe.flushIfDirty();
                host.pipeHasRoom();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }
}
