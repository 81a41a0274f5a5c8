package io.zmtp.socket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Locale;

/**
 * Which Netty I/O handler a context's event loops run: NIO (the default, everywhere), or Linux's
 * native epoll or io_uring. This is Netty's axis of I/O mechanism, not ZeroMQ's "transport" (tcp,
 * ipc, inproc: see {@code io.zmtp.socket.transport}); the two combine freely. Chosen per context,
 * or for every context with the system property {@code zmtp.io} ({@code nio}, {@code epoll} or
 * {@code io_uring}; {@code zmtp.transport}, its older name, is still read). When the native
 * library cannot load (or the kernel refuses io_uring) the context falls back to NIO and says so in
 * one log line. Sockets never see the difference: only the channel classes below change.
 */
public enum IoBackend {
    NIO, EPOLL, IO_URING;

    private static final Logger log = LoggerFactory.getLogger(IoBackend.class);

    /** The system property that names the backend for every context. */
    public static final String PROPERTY = "zmtp.io";
    /** Its older name, read when {@link #PROPERTY} is not set. */
    static final String OLD_PROPERTY = "zmtp.transport";

    /** The backend named by {@code zmtp.io} (or its older name {@code zmtp.transport}), NIO when unset. */
    public static IoBackend fromSystemProperty() {
        String property = System.getProperty(PROPERTY) != null ? PROPERTY : OLD_PROPERTY;
        String name = System.getProperty(property, "nio").trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(name).orFallback();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " must be nio, epoll or io_uring, not '"
                    + name.toLowerCase(Locale.ROOT) + "'");
        }
    }

    /** This backend if it can run here, otherwise NIO (logged once per call). */
    public IoBackend orFallback() {
        if (this == EPOLL && !Epoll.isAvailable()) {
            log.warn("epoll is not available here ({}); using NIO", String.valueOf(Epoll.unavailabilityCause()));
            return NIO;
        }
        if (this == IO_URING && !IoUring.isAvailable()) {
            log.warn("io_uring is not available here ({}); using NIO", String.valueOf(IoUring.unavailabilityCause()));
            return NIO;
        }
        return this;
    }

    /** True when this backend can run on this machine (NIO always can). */
    public boolean isAvailable() {
        return switch (this) {
            case NIO -> true;
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> IoUring.isAvailable();
        };
    }

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case NIO -> NioIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
        };
    }

    /** The listening channel class for a tcp or ipc endpoint. */
    public Class<? extends ServerChannel> serverChannelClass(Endpoint ep) {
        return switch (this) {
            case NIO -> ep.isIpc() ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class;
            case EPOLL -> ep.isIpc() ? EpollServerDomainSocketChannel.class : EpollServerSocketChannel.class;
            case IO_URING -> ep.isIpc() ? IoUringServerDomainSocketChannel.class : IoUringServerSocketChannel.class;
        };
    }

    /** The connection channel class for a tcp or ipc endpoint. */
    public Class<? extends Channel> channelClass(Endpoint ep) {
        return switch (this) {
            case NIO -> ep.isIpc() ? NioDomainSocketChannel.class : NioSocketChannel.class;
            case EPOLL -> ep.isIpc() ? EpollDomainSocketChannel.class : EpollSocketChannel.class;
            case IO_URING -> ep.isIpc() ? IoUringDomainSocketChannel.class : IoUringSocketChannel.class;
        };
    }

    /** The datagram channel class (udp). */
    public Class<? extends Channel> datagramChannelClass() {
        return switch (this) {
            case NIO -> NioDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
        };
    }

    /**
     * Makes datagram channels of this backend for one address family: multicast options (the
     * outgoing interface above all) are set per family, so a dual-stack channel sending to an IPv4
     * group would ignore an IPv4 interface and let the kernel route the datagrams elsewhere.
     */
    public ChannelFactory<Channel> datagramChannelFactory(boolean ipv6) {
        SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return switch (this) {
            case NIO -> () -> new NioDatagramChannel(family);
            case EPOLL -> () -> new EpollDatagramChannel(family);
            case IO_URING -> () -> new IoUringDatagramChannel(family);
        };
    }

    /** The address of an ipc path in the form this backend's channels take. */
    public SocketAddress ipcAddress(String path) {
        return this == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path);
    }
}
