package io.zmtp.socket;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.pipe.RawWriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Owns the Netty event loops that sockets run on, and the sockets. Each socket is pinned to one
 * loop of the group. Closing the context closes every socket (honouring LINGER) and then, if the
 * context created the group, shuts the loops down. A user's own group can be shared instead.
 */
public final class ZmtpContext implements AutoCloseable {
    private final EventLoopGroup group;
    /** The wake-up pipes of the NIO loops this context made; empty otherwise. */
    private final Map<Executor, NioWakeup> wakeups = new ConcurrentHashMap<>();
    private final Map<Executor, LoopPermit> permits = new ConcurrentHashMap<>();
    /**
     * System property: {@code false} keeps every send on the socket's loop (sends are otherwise routed
     * and written on the sending thread while the loop sleeps; see {@link LoopPermit}).
     */
    public static final String CALLER_SENDS = "zmtp.callerSends";
    private final boolean ownsGroup;
    private final IoBackend io;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Per-context state of transports (inproc names, recently released tcp ports, ...). */
    private final java.util.Map<Class<?>, Object> transportState = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * A context with one I/O thread (like libzmq's default), on the I/O backend the
     * {@code zmtp.io} system property names (NIO by default).
     */
    public ZmtpContext() {
        this(1);
    }

    /** A context with {@code ioThreads} I/O threads on the {@code zmtp.io} backend. */
    public ZmtpContext(int ioThreads) {
        this(ioThreads, IoBackend.fromSystemProperty());
    }

    /** A context with {@code ioThreads} I/O threads on {@code io} (NIO if it cannot run here). */
    public ZmtpContext(int ioThreads, IoBackend io) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1: " + ioThreads);
        }
        this.io = io.orFallback();
        if (this.io == IoBackend.NIO) {
            // NIO loops of our own are woken through a pipe each (see NioWakeup).
            this.group = new MultiThreadIoEventLoopGroup(ioThreads, lendingPermits(NioWakeup.handlerFactory(wakeups)));
            wakeups.values().forEach(NioWakeup::start);
        } else {
            this.group = new MultiThreadIoEventLoopGroup(ioThreads, lendingPermits(this.io.ioHandlerFactory()));
        }
        this.ownsGroup = true;
    }

    /**
     * The loops' handlers, lending their permits to sending threads when this backend's connections
     * can be written without their loop (NIO, where Netty is on the class path, and epoll; not
     * io_uring, whose writes go through its ring) and {@code zmtp.callerSends} is not false.
     */
    private IoHandlerFactory lendingPermits(IoHandlerFactory factory) {
        boolean writable = io == IoBackend.EPOLL || io == IoBackend.NIO && RawWriter.supportsNio();
        if (!writable || !Boolean.parseBoolean(System.getProperty(CALLER_SENDS, "true"))) {
            return factory;
        }
        return PermitIoHandler.wrap(factory, permits);
    }

    /** The permit {@code loop} lends to sending threads, or null when it lends none. */
    LoopPermit permitFor(EventLoop loop) {
        return permits.get(loop);
    }

    /** A context on a user's group of {@code io} loops, which it will not shut down. */
    public ZmtpContext(EventLoopGroup group, IoBackend io) {
        this.group = group;
        this.ownsGroup = false;
        this.io = io;
    }

    /** A context on a user's NIO group, which it will not shut down. */
    public ZmtpContext(EventLoopGroup group) {
        this(group, IoBackend.NIO);
    }

    /** The I/O backend (NIO, epoll, io_uring) the sockets of this context run on. */
    public IoBackend io() {
        return io;
    }

    /**
     * The state a transport keeps per context (for inproc, which names are bound; for a ws
     * transport, its HTTP servers), made by {@code factory} on first use. For transport
     * implementations ({@link io.zmtp.socket.transport.Transport}); applications have no use for it.
     */
    public <T> T transportState(Class<T> key, java.util.function.Supplier<T> factory) {
        return key.cast(transportState.computeIfAbsent(key, k -> factory.get()));
    }

    EventLoop nextLoop() {
        return group.next();
    }

    /**
     * How tasks from other threads reach {@code loop}: through its wake-up pipe when this context
     * made it (NIO), else the loop's own {@code execute}.
     */
    Executor tasksFor(EventLoop loop) {
        NioWakeup w = wakeups.get(loop);
        return w != null ? w : loop;
    }

    /** The wake-up pipes of this context's NIO loops (for tests). */
    Collection<NioWakeup> nioWakeups() {
        return wakeups.values();
    }

    /** Creates a socket of {@code type}. */
    public Socket socket(SocketType type) {
        if (closed) {
            throw new IllegalStateException("context is closed");
        }
        Socket s = SocketTypeRegistry.defaults().create(type, this);
        sockets.add(s);
        return s;
    }

    /** Typed creation, e.g. {@code ctx.socket(SocketType.SUB, Sub.class).subscribe("x")}. */
    public <T extends Socket> T socket(SocketType type, Class<T> kind) {
        return kind.cast(socket(type));
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
