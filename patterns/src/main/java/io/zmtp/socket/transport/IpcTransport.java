package io.zmtp.socket.transport;

import io.netty.channel.Channel;
import io.zmtp.socket.Endpoint;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * ZMTP over Unix domain sockets ({@code ipc:///path}, {@code ipc://*}). As libzmq does, a bind
 * replaces a socket file left behind by a process that is gone, and the file goes when the
 * listener closes.
 */
final class IpcTransport extends StreamTransport {
    @Override
    public String scheme() {
        return "ipc";
    }

    @Override
    SocketAddress bindAddress(TransportHost host, Endpoint endpoint) {
        return host.context().io().ipcAddress(endpoint.path());
    }

    @Override
    SocketAddress connectAddress(TransportHost host, Endpoint endpoint) {
        return host.context().io().ipcAddress(endpoint.path());
    }

    /**
     * A path held by a live listener is refused, a socket file nobody listens on is removed, and
     * anything that is not a socket is kept (the bind then fails on it).
     */
    @Override
    void prepareBind(TransportHost host, Endpoint endpoint) {
        Path path = Path.of(endpoint.path());
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IllegalStateException("cannot bind " + endpoint + ": another process is listening there");
        } catch (IOException refused) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attrs.isOther()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot bind " + endpoint + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    Listener listener(TransportHost host, Endpoint endpoint, Channel server) {
        String bound = endpoint.toString();
        Path file = Path.of(endpoint.path());
        return Listener.of(bound, () -> {
            // libzmq removes its ipc socket file when the listener closes.
            server.closeFuture().addListener(f -> Files.deleteIfExists(file));
            return server.close();
        });
    }
}
