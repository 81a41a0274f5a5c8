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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Locale;

/**
 * Which Netty event loop a context runs on: NIO (the default, everywhere) or Linux's native
 * epoll. Chosen per context, or for every context with the system property {@code zmtp.transport}
 * ({@code nio} or {@code epoll}); when the native library cannot load, the context falls back to
 * NIO and says so in one log line.
 */
public enum IoTransport {
    NIO, EPOLL;

    private static final Logger log = LoggerFactory.getLogger(IoTransport.class);

    /** The transport named by the {@code zmtp.transport} system property, NIO when unset. */
    public static IoTransport fromSystemProperty() {
        String name = System.getProperty("zmtp.transport", "nio").trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(name).orFallback();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("zmtp.transport must be nio or epoll, not '" + name.toLowerCase(Locale.ROOT) + "'");
        }
    }

    /** This transport if it can run here, otherwise NIO (logged once per call). */
    public IoTransport orFallback() {
        if (this == EPOLL && !Epoll.isAvailable()) {
            log.warn("epoll is not available here ({}); using NIO", String.valueOf(Epoll.unavailabilityCause()));
            return NIO;
        }
        return this;
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerChannel> serverChannelClass(Endpoint ep) {
        if (this == EPOLL) {
            return ep.isIpc() ? EpollServerDomainSocketChannel.class : EpollServerSocketChannel.class;
        }
        return ep.isIpc() ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends Channel> channelClass(Endpoint ep) {
        if (this == EPOLL) {
            return ep.isIpc() ? EpollDomainSocketChannel.class : EpollSocketChannel.class;
        }
        return ep.isIpc() ? NioDomainSocketChannel.class : NioSocketChannel.class;
    }

    /** The address of an ipc path in the form this transport's channels take. */
    SocketAddress ipcAddress(String path) {
        return this == EPOLL ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    }
}
