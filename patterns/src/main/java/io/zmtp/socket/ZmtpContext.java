package io.zmtp.socket;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Dealer;
import io.zmtp.socket.type.Pair;
import io.zmtp.socket.type.Pub;
import io.zmtp.socket.type.Pull;
import io.zmtp.socket.type.Push;
import io.zmtp.socket.type.Rep;
import io.zmtp.socket.type.Req;
import io.zmtp.socket.type.Router;
import io.zmtp.socket.type.Sub;
import io.zmtp.socket.type.XPub;
import io.zmtp.socket.type.XSub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Owns the Netty event loops that sockets run on, and the sockets. Each socket is pinned to one
 * loop of the group. Closing the context closes every socket (honouring LINGER) and then, if the
 * context created the group, shuts the loops down. A user's own group can be shared instead.
 */
public final class ZmtpContext implements AutoCloseable {
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final IoTransport transport;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final InprocRegistry inproc = new InprocRegistry();
    private volatile boolean closed;

    /**
     * A context with one I/O thread (like libzmq's default), on the transport the
     * {@code zmtp.transport} system property names (NIO by default).
     */
    public ZmtpContext() {
        this(1);
    }

    /** A context with {@code ioThreads} I/O threads on the {@code zmtp.transport} transport. */
    public ZmtpContext(int ioThreads) {
        this(ioThreads, IoTransport.fromSystemProperty());
    }

    /** A context with {@code ioThreads} I/O threads on {@code transport} (NIO if it cannot run here). */
    public ZmtpContext(int ioThreads, IoTransport transport) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1: " + ioThreads);
        }
        this.transport = transport.orFallback();
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, this.transport.ioHandlerFactory());
        this.ownsGroup = true;
    }

    /** A context on a user's group of {@code transport} loops, which it will not shut down. */
    public ZmtpContext(EventLoopGroup group, IoTransport transport) {
        this.group = group;
        this.ownsGroup = false;
        this.transport = transport;
    }

    /** A context on a user's NIO group, which it will not shut down. */
    public ZmtpContext(EventLoopGroup group) {
        this(group, IoTransport.NIO);
    }

    /** The event loop transport the sockets of this context use. */
    public IoTransport transport() {
        return transport;
    }

    InprocRegistry inproc() {
        return inproc;
    }

    EventLoop nextLoop() {
        return group.next();
    }

    /** Creates a socket of {@code type}. */
    public Socket socket(SocketType type) {
        if (closed) {
            throw new IllegalStateException("context is closed");
        }
        Socket s = switch (type) {
            case REQ -> new Req(this);
            case REP -> new Rep(this);
            case DEALER -> new Dealer(this);
            case ROUTER -> new Router(this);
            case PUB -> new Pub(this);
            case SUB -> new Sub(this);
            case XPUB -> new XPub(this);
            case XSUB -> new XSub(this);
            case PUSH -> new Push(this);
            case PULL -> new Pull(this);
            case PAIR -> new Pair(this);
        };
        sockets.add(s);
        return s;
    }

    /** Typed creation, e.g. {@code ctx.socket(SocketType.SUB, Sub.class).subscribe("x")}. */
    public <T extends Socket> T socket(SocketType type, Class<T> kind) {
        return kind.cast(socket(type));
    }

    /** Ports whose listener a socket of this context closed, and when. */
    private final java.util.Map<Integer, Long> releasedPorts = new java.util.concurrent.ConcurrentHashMap<>();

    void released(int port) {
        releasedPorts.put(port, System.nanoTime());
    }

    /** True when a listener of this context gave up {@code port} within the last few seconds. */
    boolean recentlyReleased(int port) {
        Long at = releasedPorts.get(port);
        return at != null && System.nanoTime() - at < TimeUnit.SECONDS.toNanos(5);
    }

    void forget(Socket socket) {
        sockets.remove(socket);
    }

    /** Closes every socket (each waits up to its LINGER), then the loops this context created. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Socket s : new ArrayList<>(sockets)) {
            s.close();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
