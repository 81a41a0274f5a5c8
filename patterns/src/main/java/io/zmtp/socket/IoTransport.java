package io.zmtp.socket;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
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
 * Which Netty event loop a context runs on: NIO (the default, everywhere), or Linux's native epoll
 * or io_uring. Chosen per context, or for every context with the system property
 * {@code zmtp.transport} ({@code nio}, {@code epoll} or {@code io_uring}); when the native library
 * cannot load (or the kernel refuses io_uring), the context falls back to NIO and says so in one
 * log line. Sockets never see the difference: only the channel classes below change.
 */
public enum IoTransport {
    NIO, EPOLL, IO_URING;

    private static final Logger log = LoggerFactory.getLogger(IoTransport.class);

    /** The transport named by the {@code zmtp.transport} system property, NIO when unset. */
    public static IoTransport fromSystemProperty() {
        String name = System.getProperty("zmtp.transport", "nio").trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(name).orFallback();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("zmtp.transport must be nio, epoll or io_uring, not '"
                    + name.toLowerCase(Locale.ROOT) + "'");
        }
    }

    /** This transport if it can run here, otherwise NIO (logged once per call). */
    public IoTransport orFallback() {
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

    /** True when this transport can run on this machine (NIO always can). */
    public boolean isAvailable() {
        return switch (this) {
            case NIO -> true;
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> IoUring.isAvailable();
        };
    }

    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case NIO -> NioIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
        };
    }

    Class<? extends ServerChannel> serverChannelClass(Endpoint ep) {
        return switch (this) {
            case NIO -> ep.isIpc() ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class;
            case EPOLL -> ep.isIpc() ? EpollServerDomainSocketChannel.class : EpollServerSocketChannel.class;
            case IO_URING -> ep.isIpc() ? IoUringServerDomainSocketChannel.class : IoUringServerSocketChannel.class;
        };
    }

    Class<? extends Channel> channelClass(Endpoint ep) {
        return switch (this) {
            case NIO -> ep.isIpc() ? NioDomainSocketChannel.class : NioSocketChannel.class;
            case EPOLL -> ep.isIpc() ? EpollDomainSocketChannel.class : EpollSocketChannel.class;
            case IO_URING -> ep.isIpc() ? IoUringDomainSocketChannel.class : IoUringSocketChannel.class;
        };
    }

    /** The address of an ipc path in the form this transport's channels take. */
    SocketAddress ipcAddress(String path) {
        return this == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path);
    }
}
