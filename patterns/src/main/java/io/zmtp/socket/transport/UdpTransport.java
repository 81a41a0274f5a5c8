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
import io.netty.channel.socket.DatagramChannel;
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
 * Each side's one pipe is admitted as soon as its channel is bound.
 *
 * <p>Multicast ({@code udp://[interface;]group:port}, see {@link UdpAddress}): a DISH binds the
 * port on every address, sharing it (SO_REUSEADDR, so several DISHes of one host all receive), and
 * joins the group on the interface; a RADIO sends to the group, out of the named interface, with
 * {@code multicastHops} as TTL and {@code multicastLoop} deciding whether this host's own members
 * hear it, as libzmq's udp engine does.
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

    /** On the caller's thread: only a RADIO connects, to an address (or group and interface) that resolves. */
    @Override
    public void checkConnectable(SocketType type, Endpoint endpoint) {
        checkType(type, SocketType.RADIO, "connect", endpoint);
        checkConnectable(endpoint);
        UdpAddress.of(endpoint);
    }

    private static void checkType(SocketType type, SocketType allowed, String what, Endpoint endpoint) {
        if (type != allowed) {
            throw new IllegalArgumentException("udp: only a " + allowed + " may " + what + " (" + endpoint + "), not a "
                    + type);
        }
    }

    @Override
    public Listener bind(TransportHost host, Endpoint endpoint) {
        checkType(host.type(), SocketType.DISH, "bind", endpoint);
        UdpAddress address = UdpAddress.of(endpoint);
        if (address.isMulticast() && address.networkInterface() == null) {
            throw new IllegalArgumentException("udp: no interface of this host is up for multicast; name one, e.g."
                    + " udp://lo;" + address.target().getHostAddress() + ":" + address.port() + " (" + endpoint + ")");
        }
        InetSocketAddress local = address.target() == null ? new InetSocketAddress(endpoint.port())
                : address.isMulticast() ? new InetSocketAddress(anyOf(address.target()), endpoint.port())
                : new InetSocketAddress(address.target(), endpoint.port());
        Pipe pipe = host.newPipe(false, endpoint.toString());
        Bootstrap b = bootstrap(host, new Receiver(host, pipe, endpoint.toString()), address);
        if (address.isMulticast()) {
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        ChannelFuture f = b.bind(local).awaitUninterruptibly();
        if (f.isSuccess() && address.isMulticast()) {
            f = ((DatagramChannel) f.channel()).joinGroup(new InetSocketAddress(address.target(), endpoint.port()),
                    address.networkInterface()).awaitUninterruptibly();
            if (!f.isSuccess()) {
                f.channel().close();
            }
        }
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
        UdpAddress address = UdpAddress.of(endpoint);
        InetSocketAddress to = new InetSocketAddress(address.target(), endpoint.port());
        // Sent from an ephemeral port on every interface of the destination's family.
        InetSocketAddress local = new InetSocketAddress(anyOf(to.getAddress()), 0);
        Bootstrap b = bootstrap(host, new Sender(host, pipe, endpoint.toString(), to), address);
        if (address.isMulticast()) {
            b.option(ChannelOption.IP_MULTICAST_TTL, host.options().multicastHops())
                    .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, !host.options().multicastLoop());
            if (address.named()) {
                b.option(ChannelOption.IP_MULTICAST_IF, address.networkInterface());
            }
        }
        ChannelFuture f = b.bind(local);
        return () -> f.channel().close();
    }

    /** The any-address of {@code a}'s family. */
    private static InetAddress anyOf(InetAddress a) {
        return a instanceof java.net.Inet6Address ? anyV6() : anyV4();
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

    /** A multicast channel is of the group's address family (see {@code IoBackend.datagramChannelFactory}). */
    private static Bootstrap bootstrap(TransportHost host, ChannelInboundHandlerAdapter handler, UdpAddress address) {
        Bootstrap b = new Bootstrap().group(host.loop());
        if (address.isMulticast()) {
            b.channelFactory(host.context().io().datagramChannelFactory(address.target() instanceof java.net.Inet6Address));
        } else {
            b.channel(host.context().io().datagramChannelClass());
        }
        return b
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
