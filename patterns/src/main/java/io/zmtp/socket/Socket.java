package io.zmtp.socket;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.internal.PlatformDependent;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpPipeline;
import io.zmtp.codec.command.Command;
import io.zmtp.socket.pipe.PeerInfo;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.FairQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A ZeroMQ socket: one socket type's routing over any number of peers, reached by binding and
 * connecting to endpoints. Subclasses in {@code io.zmtp.socket.type} supply the routing.
 *
 * <p>Threading: all routing state lives on one Netty event loop. Application threads hand
 * messages over through two queues: a send wakes the loop only when it was idle, and the loop
 * routes everything queued and flushes once; the loop wakes a receiver only when one is waiting.
 * Like libzmq sockets, a socket is meant to be used by one application thread at a time.
 */
public abstract class Socket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Socket.class);
    /**
     * Messages the loop may hand to the application ahead of it taking them. It bounds how far
     * fair queuing can lag behind arrival order (a busy peer gets at most this many messages ahead
     * of a quiet one); the loop refills when the application has taken some. A power of two.
     * 1024 rather than 256: receiving 16 B messages from libzmq went from 2.8-3.3 to 4.0-4.4
     * million per second, the loop stopping and being restarted four times less often.
     */
    static final int INBOUND_CAPACITY = 1024;
    /**
     * Empty checks a blocking receive makes before it parks; none on a single core. Measured on 2
     * cores (local_thr/remote_thr, local_lat/remote_lat): 4096 or more, or yielding instead,
     * cost a third of the throughput and doubled the latency (the spinning thread takes the core
     * from the loop that would feed it); 64 to 1024 were within the noise of each other.
     */
    private static final int RECEIVE_SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 256 : 0;

    /**
     * Bytes a connection may hold unsent before its pipe stops writing into it (high) and starts
     * again (low). Netty's default (64 KiB / 32 KiB) is one 64 KiB message: the writability flipped
     * with nearly every message, each flip a trip through the pipeline. The pipes' HWMs still bound
     * what waits beyond this.
     */
    private static final WriteBufferWaterMark WRITE_WATER_MARK = new WriteBufferWaterMark(256 * 1024, 512 * 1024);

    private final ZmtpContext context;
    private final SocketType type;
    private final SocketOptions options;
    protected final EventLoop loop;

    /**
     * Messages from the application threads to the loop: many producers, one consumer (the loop).
     * Netty's chunked array queue takes one atomic add per offer and no node per message, where a
     * ConcurrentLinkedQueue allocated a node and raced on its tail with a compare-and-set.
     */
    private final Queue<Message> outQueue = PlatformDependent.newMpscQueue();
    private final AtomicInteger outCount = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ConcurrentLinkedQueue<PendingSend> asyncSends = new ConcurrentLinkedQueue<>();

    private final InboundRing inbound = new InboundRing(INBOUND_CAPACITY);
    /** Loop: messages that found {@link #inbound} full (XPUB's own notifications); they go first. */
    private final java.util.ArrayDeque<Message> inboundOverflow = new java.util.ArrayDeque<>();
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private volatile boolean pumpStarved;
    /** Messages taken from {@link #inbound} (by whichever thread; a racy count is fine: it only paces checks). */
    private int taken;
    private final ConcurrentLinkedQueue<CompletableFuture<Message>> asyncReceives = new ConcurrentLinkedQueue<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final AtomicInteger sendersWaiting = new AtomicInteger();
    private final AtomicInteger receiversWaiting = new AtomicInteger();

    private final List<Consumer<SocketEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Pollers waiting on this socket: told when a message arrives or room frees up. */
    private final List<Runnable> readinessWatchers = new CopyOnWriteArrayList<>();
    private final List<Channel> servers = new CopyOnWriteArrayList<>();
    /** Every connection of this socket, including those still in their handshake; loop only. */
    private final java.util.Set<Channel> connections = new java.util.HashSet<>();
    private final List<Connecter> connecters = new ArrayList<>();
    private final List<Pipe> pipes = new ArrayList<>();
    /** Pipes of peers that left, kept until the application took what they had sent. */
    private final List<Pipe> retiring = new ArrayList<>();
    /** inproc names this socket bound. */
    private final List<String> inprocNames = new CopyOnWriteArrayList<>();
    /** Fair queue over every attached pipe; used by every type that receives. */
    protected final FairQueue fairQueue = new FairQueue();
    private Message stalled;
    /**
     * Loop: messages reached {@link #inbound} since the last {@link #announceInbound()}. A parked
     * receiver is woken once per read (or when the ring is full), not as soon as the ring publishes
     * its first few: waking it every 32 messages was measured a third slower (libzmq -> ours, 16 B),
     * each wake-up costing the loop more than the parallelism gained.
     */
    private boolean unannounced;
    private volatile boolean closed;
    private volatile String lastEndpoint;
    private volatile Monitor monitor;
    private volatile Consumer<Message> messageHandler;

    private record PendingSend(Message message, CompletableFuture<Void> future) {
    }

    protected Socket(ZmtpContext context, SocketType type) {
        this.context = context;
        this.type = type;
        this.options = new SocketOptions(type);
        this.loop = context.nextLoop();
    }

    public SocketType type() {
        return type;
    }

    public SocketOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ endpoints

    /**
     * Binds to {@code endpoint} ({@code tcp://host:port}, {@code tcp://*:port}, {@code tcp://*:*})
     * and returns the endpoint actually bound (with the real port).
     *
     * @throws IllegalArgumentException for a malformed endpoint
     * @throws IllegalStateException    when the address cannot be bound (e.g. the port is in use)
     */
    public String bind(String endpoint) {
        checkOpen();
        Endpoint ep = Endpoint.parse(endpoint);
        if (ep.isInproc()) {
            context.inproc().bind(ep.path(), this);
            inprocNames.add(ep.path());
            lastEndpoint = ep.toString();
            emit(SocketEvent.Type.LISTENING, ep.toString(), "");
            return ep.toString();
        }
        if (ep.isIpc()) {
            removeStaleIpcFile(ep);
        }
        ServerBootstrap b = new ServerBootstrap().group(loop).channel(context.transport().serverChannelClass(ep))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_WATER_MARK)
                .childHandler(initializer(null, ep.toString()));
        if (!ep.isIpc()) {
            b.childOption(ChannelOption.TCP_NODELAY, true);
            applyKeepAlive(b);
        }
        java.net.SocketAddress bindAddress = ep.isIpc() ? context.transport().ipcAddress(ep.path()) : ep.bindAddress();
        ChannelFuture f = b.bind(bindAddress).awaitUninterruptibly();
        // A listener this context closed a moment ago may still hold the port: the JDK releases a
        // selector-registered socket only at the loop's next select. Give it a bounded moment.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!f.isSuccess() && f.cause() instanceof java.net.BindException && !ep.isIpc() && ep.port() != 0
                && context.recentlyReleased(ep.port()) && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            f = b.bind(bindAddress).awaitUninterruptibly();
        }
        if (!f.isSuccess()) {
            emit(SocketEvent.Type.BIND_FAILED, ep.toString(), String.valueOf(f.cause()));
            throw new IllegalStateException("cannot bind " + endpoint + ": " + f.cause().getMessage(), f.cause());
        }
        Channel server = f.channel();
        servers.add(server);
        String bound;
        if (ep.isIpc()) {
            bound = ep.toString();
        } else {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            bound = ep.isWildcardHost() ? "tcp://0.0.0.0:" + port : ep.withPort(port).toString();
        }
        lastEndpoint = bound;
        emit(SocketEvent.Type.LISTENING, bound, "");
        return bound;
    }

    /**
     * Like libzmq, a bind to an ipc path replaces a socket file left behind by a process that is
     * gone; a path held by a live listener is refused, and anything that is not a socket is kept.
     */
    private static void removeStaleIpcFile(Endpoint ep) {
        java.nio.file.Path path = java.nio.file.Path.of(ep.path());
        if (!java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            probe.connect(java.net.UnixDomainSocketAddress.of(path));
            throw new IllegalStateException("cannot bind " + ep + ": another process is listening there");
        } catch (java.io.IOException refused) {
            try {
                java.nio.file.attribute.BasicFileAttributes attrs = java.nio.file.Files.readAttributes(path,
                        java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (attrs.isOther()) {
                    java.nio.file.Files.deleteIfExists(path);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot bind " + ep + ": " + e.getMessage(), e);
            }
        }
    }

    /** The endpoint of the last successful bind, with its real port. */
    public String lastEndpoint() {
        return lastEndpoint;
    }

    /** The port of the last successful bind. */
    public int boundPort() {
        String ep = lastEndpoint;
        if (ep == null) {
            throw new IllegalStateException("socket is not bound");
        }
        return Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
    }

    /**
     * Connects to {@code endpoint}; returns at once. The connection is made, and remade after it
     * breaks, in the background; messages for this peer queue up until it is there.
     */
    public void connect(String endpoint) {
        checkOpen();
        Endpoint ep = Endpoint.parse(endpoint);
        if (ep.isInproc()) {
            runOnLoop(() -> {
                Pipe pipe = newPipe(true, ep.toString());
                attachPipe(pipe);
                context.inproc().connect(ep.path(), this, pipe);
            });
            return;
        }
        java.net.SocketAddress address = ep.isIpc() ? context.transport().ipcAddress(ep.path()) : ep.connectAddress();
        runOnLoop(() -> {
            Pipe pipe = newPipe(true, ep.toString());
            attachPipe(pipe);
            Connecter c = new Connecter(this, pipe, ep, address);
            connecters.add(c);
            c.start();
        });
    }

    Bootstrap connectBootstrap(Pipe pipe, Endpoint endpoint, Connecter connecter) {
        Bootstrap b = new Bootstrap().group(loop).channel(context.transport().channelClass(endpoint))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_WATER_MARK)
                .handler(initializer(pipe, endpoint.toString(), connecter));
        if (!endpoint.isIpc()) {
            b.option(ChannelOption.TCP_NODELAY, true);
            if (options.tcpKeepAlive() >= 0) {
                b.option(ChannelOption.SO_KEEPALIVE, options.tcpKeepAlive() == 1);
            }
        }
        return b;
    }

    private void applyKeepAlive(ServerBootstrap b) {
        if (options.tcpKeepAlive() >= 0) {
            b.childOption(ChannelOption.SO_KEEPALIVE, options.tcpKeepAlive() == 1);
        }
    }

    private ChannelInitializer<Channel> initializer(Pipe pipe, String endpoint) {
        return initializer(pipe, endpoint, null);
    }

    private ChannelInitializer<Channel> initializer(Pipe pipe, String endpoint, Connecter connecter) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (closed && pipe == null) {
                    ch.close();
                    return;
                }
                connections.add(ch);
                ch.closeFuture().addListener(f -> connections.remove(ch));
                ZmtpPipeline.install(ch.pipeline(), options.codecConfig());
                ch.pipeline().addLast("zmtp-socket", new PeerHandler(Socket.this, pipe, endpoint, connecter));
                if (pipe == null) {
                    emit(SocketEvent.Type.ACCEPTED, endpoint, String.valueOf(ch.remoteAddress()));
                }
            }
        };
    }

    /** Binder's loop: an inproc connect reached this socket; attach its pipe as a handshake would. */
    final void acceptInproc(InprocLink link) {
        Socket peer = link.connectEnd.socket();
        String ep = link.connectEnd.pipe().endpoint();
        if (closed) {
            // Unbound while this link was on its way: wait for the next bind, as a tcp connect retries.
            Pipe waiting = link.connectEnd.pipe();
            peer.runOnLoop(() -> {
                if (!waiting.isClosed() && !peer.isClosing()) {
                    peer.context.inproc().connect(link.connectEnd.name(), peer, waiting);
                }
            });
            return;
        }
        Pipe pipe = inprocPipe(link.bindEnd, peer, ep);
        if (pipe == null) {
            // Refused (or closing): the connect side stays unlinked, as after a failed handshake.
            link.bindEnd.close();
            peer.runOnLoop(() -> peer.emit(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL, ep, "refused by " + this));
            return;
        }
        peer.runOnLoop(() -> peer.connectInproc(link, this));
    }

    /** Connecter's loop: the binder accepted; the connect-side pipe goes live. */
    final void connectInproc(InprocLink link, Socket binder) {
        Pipe pipe = link.connectEnd.pipe();
        // A closing socket still takes the link: LINGER may deliver through it.
        if (pipe.isClosed() || !completeInproc(link.connectEnd, pipe, binder)) {
            link.connectEnd.close();
        }
    }

    private Pipe inprocPipe(InprocLink.End end, Socket peer, String ep) {
        Pipe pipe = newPipe(false, ep);
        if (!admits(pipe)) {
            log.info("{} refuses another peer from {}", type, ep);
            return null;
        }
        if (!completeInproc(end, pipe, peer)) {
            return null;
        }
        attachPipe(pipe);
        pipeConnected(pipe);
        return pipe;
    }

    /** The inproc counterpart of a handshake: type check, routing id, then the pipe is connected. */
    private boolean completeInproc(InprocLink.End end, Pipe pipe, Socket peer) {
        String ep = pipe.endpoint();
        if (!type.isCompatible(peer.type())) {
            String why = type + " cannot talk to " + peer.type();
            log.warn("{}: {} over {}", this, why, ep);
            emit(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL, ep, why);
            return false;
        }
        byte[] announced = peer.type().sendsIdentity() ? peer.options().identity() : null;
        byte[] id = assignRoutingId(pipe, announced);
        if (id == null) {
            log.warn("{}: inproc peer on {} announced a routing id already in use; refused", this, ep);
            return false;
        }
        pipe.connected(end, id, io.zmtp.codec.ZmtpVersion.V3_1, "NULL", "");
        end.live(pipe);
        emit(SocketEvent.Type.HANDSHAKE_SUCCEEDED, ep, "");
        if (pipe.isConnectSide()) {
            pipeConnected(pipe);
        }
        return true;
    }

    ZmtpContext context() {
        return context;
    }

    Pipe newPipe(boolean connectSide, String endpoint) {
        return new Pipe(connectSide, endpoint, options.sendHwm(), options.receiveHwm());
    }

    // ------------------------------------------------------------------ sending (application side)

    /** Sends, blocking up to SNDTIMEO; false when it timed out (the caller still owns the message). */
    public boolean send(Message message) {
        return send(message, options.sendTimeout());
    }

    /** Sends, waiting up to {@code timeout} for room; false when it timed out (the caller keeps the message). */
    public boolean send(Message message, Duration timeout) {
        return send(message, timeout.toMillis());
    }

    /** Sends only if that needs no waiting; false otherwise (the caller keeps the message). */
    public boolean trySend(Message message) {
        return send(message, 0);
    }

    /** Sends one text frame, blocking up to SNDTIMEO. */
    public boolean send(String text) {
        Message m = Message.of(text);
        boolean sent = send(m);
        if (!sent) {
            m.close();
        }
        return sent;
    }

    /**
     * Sends when there is room; the future completes once the socket has taken the message (it
     * then owns it). Completion runs on the socket's event loop: do not block in callbacks.
     */
    public CompletableFuture<Void> sendAsync(Message message) {
        checkOpen();
        checkSend(message);
        if (reserve(0)) {
            enqueue(message);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        asyncSends.add(new PendingSend(message, f));
        scheduleDrain();
        return f;
    }

    private boolean send(Message message, long timeoutMillis) {
        checkOpen();
        if (message.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one frame");
        }
        checkSend(message);
        if (!reserve(timeoutMillis)) {
            return false;
        }
        enqueue(message);
        return true;
    }

    private void enqueue(Message message) {
        prepareSend(message);
        outQueue.add(message);
        scheduleDrain();
    }

    /** Takes a place in the outbound queue, waiting up to {@code timeoutMillis} (-1: for ever). */
    private boolean reserve(long timeoutMillis) {
        int capacity = options.sendHwm();
        if (tryReserve(capacity)) {
            return true;
        }
        if (timeoutMillis == 0) {
            return false;
        }
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        sendersWaiting.incrementAndGet();
        try {
            while (!tryReserve(capacity)) {
                checkOpen();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                notFull.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            sendersWaiting.decrementAndGet();
            lock.unlock();
        }
    }

    private boolean tryReserve(int capacity) {
        while (true) {
            int c = outCount.get();
            if (capacity > 0 && c >= capacity) {
                return false;
            }
            if (outCount.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    private void scheduleDrain() {
        // Read first: while a drain is pending, senders only share the line, not fight for it.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    // ------------------------------------------------------------------ sending (loop side)

    /** Routes every queued message that can go now, then flushes once. */
    final void drain() {
        drainScheduled.set(false);
        int consumed = 0;
        while (true) {
            admitAsyncSends();
            Message m = stalled;
            if (m != null) {
                stalled = null;
            } else {
                m = outQueue.poll();
            }
            if (m == null) {
                break;
            }
            if (!route(m)) {
                stalled = m;
                break;
            }
            consumed++;
        }
        if (consumed > 0) {
            int left = outCount.addAndGet(-consumed);
            // A blocked sender is woken once the queue is down to half (a low-water mark, as
            // libzmq's pipes have), not after every drain: it then sends many before it blocks
            // again, instead of one per wake-up.
            if (sendersWaiting.get() > 0 && left <= options.sendHwm() / 2) {
                signal(notFull);
            }
            notifyWatchers();
            admitAsyncSends();
            if (stalled == null && !outQueue.isEmpty()) {
                scheduleDrain();
            }
        }
        flushPipes();
    }

    private void admitAsyncSends() {
        PendingSend p;
        while ((p = asyncSends.peek()) != null && tryReserve(options.sendHwm())) {
            asyncSends.poll();
            prepareSend(p.message);
            outQueue.add(p.message);
            p.future.complete(null);
        }
    }

    /** Flushes every pipe written to since the last flush. */
    protected final void flushPipes() {
        for (Pipe p : pipes) {
            p.flushIfDirty();
        }
    }

    /** A pipe got room (connected, or its connection drained): route what was waiting. */
    final void pipeHasRoom() {
        if (stalled != null || !outQueue.isEmpty() || !asyncSends.isEmpty()) {
            drain();
        }
    }

    // ------------------------------------------------------------------ receiving (application side)

    /** Receives, blocking up to RCVTIMEO; null when it timed out. The caller owns (closes) the message. */
    public Message receive() {
        return receive(options.receiveTimeout());
    }

    /** Receives, waiting up to {@code timeout}; null when it timed out. */
    public Message receive(Duration timeout) {
        return receive(timeout.toMillis());
    }

    /** Receives only what is already there; null otherwise. */
    public Message tryReceive() {
        return receive(0);
    }

    /**
     * Receives one message and returns its first frame as UTF-8 text (the counterpart of
     * {@link #send(String)}); other frames are discarded. Null on timeout.
     */
    public String receiveString() {
        try (Message m = receive()) {
            return m == null ? null : m.string(0);
        }
    }

    /**
     * Completes with the next message. Completion may run on the socket's event loop: do not
     * block in callbacks.
     */
    public CompletableFuture<Message> receiveAsync() {
        checkOpen();
        checkReceive();
        Message m = takeInbound();
        if (m != null) {
            return CompletableFuture.completedFuture(m);
        }
        CompletableFuture<Message> f = new CompletableFuture<>();
        asyncReceives.add(f);
        schedulePump();
        return f;
    }

    private Message receive(long timeoutMillis) {
        checkOpen();
        checkReceive();
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Message m = takeInbound();
            if (m != null) {
                return m;
            }
            if (timeoutMillis == 0) {
                return null;
            }
            // Under load the next message is usually a few microseconds away, and parking costs a
            // futex wait here plus a wake-up on the loop: look a little longer first.
            for (int i = 0; i < RECEIVE_SPINS; i++) {
                Thread.onSpinWait();
                m = takeInbound();
                if (m != null) {
                    return m;
                }
            }
            lock.lock();
            receiversWaiting.incrementAndGet();
            try {
                m = takeInbound();
                if (m != null) {
                    return m;
                }
                checkOpen();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                notEmpty.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                receiversWaiting.decrementAndGet();
                lock.unlock();
            }
        }
    }

    /** The next message for the application, after the socket type's last word on it. */
    private Message takeInbound() {
        while (true) {
            Message m = (Message) inbound.poll();
            if (m == null) {
                if (pumpStarved) {
                    schedulePump();
                }
                return null;
            }
            if ((++taken & (InboundRing.PUBLISH_EVERY - 1)) == 0) {
                // The loop may have stopped at a full ring: after every few messages taken, look
                // (behind a fence, so this read cannot pass the ring's head store) and restart it.
                VarHandle.fullFence();
                if (pumpStarved) {
                    schedulePump();
                }
            }
            if (m.accepted) {
                m.accepted = false;
                return m;
            }
            m = acceptReceived(m);
            if (m != null) {
                return m;
            }
        }
    }

    private void schedulePump() {
        if (!pumpScheduled.get() && pumpScheduled.compareAndSet(false, true)) {
            loop.execute(pumpTask);
        }
    }

    /** The loop's answers to {@link #scheduleDrain()} and {@link #schedulePump()}: one object each for the socket's life. */
    private final Runnable drainTask = this::drain;

    private final Runnable pumpTask = () -> {
        pumpScheduled.set(false);
        pumpInbound();
        announceInbound();
    };

    // ------------------------------------------------------------------ receiving (loop side)

    /**
     * A message arrived on {@code pipe}. It may reach the application queue at once, but a parked
     * receiver is woken only by {@link #announceInbound()}, which the caller runs at the end of its
     * batch (a channel's read, an inproc drain): one wake-up per batch, not per message.
     */
    final void received(Pipe pipe, ZmtpMessage message) {
        if (closed || pipe.isClosed()) {
            message.release();
            return;
        }
        if (!filterIncoming(pipe, message)) {
            return;
        }
        pipe.received(message);
        pumpInbound();
    }

    /** Moves messages from the peers' queues, in fair turn, to the application. */
    final void pumpInbound() {
        while (true) {
            if (inboundFull() && asyncReceives.isEmpty()) {
                pumpStarved = true;
                if (inboundFull()) {
                    announceInbound();
                    return;
                }
            }
            pumpStarved = false;
            Pipe p = fairQueue.next();
            if (p == null) {
                return;
            }
            ZmtpMessage zm = p.poll();
            if (!p.hasInbound() && !p.isReady() && !p.isConnectSide()) {
                retired(p);
            }
            Message m = accept(p, zm);
            if (m != null) {
                m.userId = p.userId();
                deliver(m);
            }
        }
    }

    private void deliver(Message m) {
        Consumer<Message> handler = messageHandler;
        if (handler != null) {
            handOver(handler, m);
            return;
        }
        if (!asyncReceives.isEmpty()) {
            Message ready = acceptReceived(m);
            if (ready == null) {
                return;
            }
            CompletableFuture<Message> waiter;
            while ((waiter = asyncReceives.poll()) != null) {
                if (waiter.complete(ready)) {
                    return;
                }
            }
            ready.accepted = true;
            m = ready;
        }
        if (!inboundOverflow.isEmpty() || !inbound.offer(m)) {
            inboundOverflow.add(m);
            pumpStarved = true;
        }
        unannounced = true;
    }

    /** Loop: true when the application queue has no room, after moving overflow into any it has. */
    private boolean inboundFull() {
        Message m;
        while ((m = inboundOverflow.peek()) != null && inbound.offer(m)) {
            inboundOverflow.poll();
        }
        return !inboundOverflow.isEmpty() || inbound.isFull();
    }

    /**
     * Loop: wakes a parked receiver and the pollers if messages reached the application queue since
     * the last call. Batched hand-off (ARCHITECTURE.md): the end of each inbound batch calls this.
     */
    final void announceInbound() {
        if (unannounced) {
            unannounced = false;
            inbound.publish();
            if (receiversWaiting.get() > 0) {
                signal(notEmpty);
            }
            notifyWatchers();
        }
    }

    private void notifyWatchers() {
        if (!readinessWatchers.isEmpty()) {
            for (Runnable w : readinessWatchers) {
                w.run();
            }
        }
    }

    /**
     * The event-driven alternative to receive and poll, for Netty-native code: from now on every
     * message is passed to {@code handler} on the socket's event loop as soon as it is ready (the
     * handler owns and must close it, and must not block). Messages already waiting go first.
     * {@code null} switches back to receive().
     */
    public void onMessage(Consumer<Message> handler) {
        checkOpen();
        messageHandler = handler;
        if (handler != null) {
            runOnLoop(() -> {
                Message m;
                while (messageHandler == handler && (m = takeInbound()) != null) {
                    handOver(handler, m);
                }
                pumpInbound();
                announceInbound();
            });
        }
    }

    private void handOver(Consumer<Message> handler, Message m) {
        Message ready = m.accepted ? m : acceptReceived(m);
        if (ready == null) {
            return;
        }
        ready.accepted = false;
        try {
            handler.accept(ready);
        } catch (RuntimeException e) {
            log.warn("{}: message handler failed", this, e);
        }
    }

    /** True when a receive would not wait (a message is ready for the application). */
    public boolean isReadable() {
        return inbound.hasPublished();
    }

    /** True when a send would not wait (the hand-off queue has room). */
    public boolean isWritable() {
        int capacity = options.sendHwm();
        return !closed && (capacity == 0 || outCount.get() < capacity);
    }

    void addReadinessWatcher(Runnable watcher) {
        readinessWatchers.add(watcher);
    }

    void removeReadinessWatcher(Runnable watcher) {
        readinessWatchers.remove(watcher);
    }

    private void signal(Condition condition) {
        lock.lock();
        try {
            condition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ pipes (loop side)

    final void attachPipe(Pipe pipe) {
        pipes.add(pipe);
        fairQueue.attach(pipe);
        attach(pipe);
    }

    final void detachPipe(Pipe pipe) {
        if (pipes.remove(pipe)) {
            fairQueue.detach(pipe);
            detach(pipe);
        }
        pipe.close();
    }

    /** A connection of {@code pipe} finished its handshake. */
    final void pipeConnected(Pipe pipe) {
        connected(pipe);
        pipe.writeQueued();
        pipeHasRoom();
        flushPipes();
    }

    /** The connection of {@code pipe} went away. */
    final void pipeDisconnected(Pipe pipe) {
        pipe.disconnected();
        disconnected(pipe);
        if (pipe.isConnectSide()) {
            return;
        }
        if (pipe.hasInbound() && pipes.remove(pipe)) {
            // Messages that arrived whole before the peer left are still delivered (as libzmq
            // does): the pipe leaves routing now and the fair queue once it is empty.
            detach(pipe);
            retiring.add(pipe);
        } else {
            detachPipe(pipe);
        }
    }

    /** Loop: a retiring pipe gave up its last inbound message. */
    private void retired(Pipe pipe) {
        if (retiring.remove(pipe)) {
            fairQueue.detach(pipe);
            pipe.close();
        }
    }

    /** Loop: hands a message straight to the application (e.g. XPUB's synthesised unsubscriptions). */
    protected final void deliverToApplication(Message message) {
        deliver(message);
        announceInbound();
    }

    /** Loop: queues a message as if {@code pipe} had sent it (XPUB's subscription notifications). */
    protected final void injectInbound(Pipe pipe, ZmtpMessage message) {
        pipe.received(message);
        pumpInbound();
        announceInbound();
    }

    void emit(SocketEvent.Type type, String endpoint, String detail) {
        if (listeners.isEmpty()) {
            return;
        }
        SocketEvent e = new SocketEvent(type, endpoint, detail);
        for (Consumer<SocketEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                log.warn("socket event listener failed on {}", io.zmtp.codec.UntrustedText.of(e), ex);
            }
        }
    }

    /** Adds a listener for connection events; it runs on the socket's event loop. */
    public void addEventListener(Consumer<SocketEvent> listener) {
        listeners.add(listener);
    }

    public void removeEventListener(Consumer<SocketEvent> listener) {
        listeners.remove(listener);
    }

    /**
     * libzmq's zmq_socket_monitor: binds a PAIR socket to {@code endpoint} (inproc://) that sends
     * each event of {@code types} as two frames, the 6-byte code and value, then the endpoint.
     * Connect a PAIR socket of the same context to read them. Replaces an earlier monitor.
     */
    public void monitor(String endpoint, java.util.Set<SocketEvent.Type> types) {
        checkOpen();
        Monitor m = new Monitor(context, endpoint, types);
        stopMonitor();
        monitor = m;
        addEventListener(m);
    }

    /** {@link #monitor(String, java.util.Set)} for every event type. */
    public void monitor(String endpoint) {
        monitor(endpoint, java.util.EnumSet.allOf(SocketEvent.Type.class));
    }

    /** Stops the monitor (it sends MONITOR_STOPPED last); nothing when there is none. */
    public void stopMonitor() {
        Monitor m = monitor;
        if (m != null) {
            monitor = null;
            removeEventListener(m);
            m.stop(String.valueOf(lastEndpoint));
        }
    }

    /** A snapshot of every peer: routing id, address, version, queue depths, counters. */
    public List<PeerInfo> peers() {
        if (loop.inEventLoop()) {
            return snapshotPipes();
        }
        try {
            return loop.submit(this::snapshotPipes).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading peers", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read peers: " + e, e);
        }
    }

    private List<PeerInfo> snapshotPipes() {
        List<PeerInfo> out = new ArrayList<>(pipes.size());
        for (Pipe p : pipes) {
            out.add(p.snapshot());
        }
        return out;
    }

    /**
     * The peers a blocked send is waiting for: those whose queue is at the send HWM. Empty when
     * the socket has no peer at all.
     */
    public List<PeerInfo> fullPeers() {
        List<PeerInfo> full = new ArrayList<>();
        for (PeerInfo p : peers()) {
            if (options.sendHwm() > 0 && p.outboundDepth() >= options.sendHwm()) {
                full.add(p);
            }
        }
        return full;
    }

    protected final List<Pipe> pipes() {
        return pipes;
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the socket: waits up to LINGER for queued messages to be written, then closes every
     * connection and listener and releases what is left.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        signal(notFull);
        signal(notEmpty);
        CompletableFuture<Void> done = new CompletableFuture<>();
        long linger = options.linger();
        loop.execute(() -> beginClose(linger, done));
        if (!loop.inEventLoop()) {
            done.join();
        }
        stopMonitor();
        context.forget(this);
    }

    public boolean isClosed() {
        return closed;
    }

    private void beginClose(long lingerMillis, CompletableFuture<Void> done) {
        // Stop accepting; connections already made (or being made) stay up to deliver during LINGER.
        for (String name : inprocNames) {
            context.inproc().unbind(name, this);
        }
        for (Channel s : servers) {
            if (s.localAddress() instanceof InetSocketAddress inet) {
                context.released(inet.getPort());
            } else if (s.localAddress() instanceof java.net.UnixDomainSocketAddress unix) {
                // libzmq removes its ipc socket file when the listener closes.
                s.closeFuture().addListener(f -> java.nio.file.Files.deleteIfExists(unix.getPath()));
            } else if (s.localAddress() instanceof io.netty.channel.unix.DomainSocketAddress unix) {
                s.closeFuture().addListener(f -> java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(unix.path())));
            }
            s.close();
        }
        drain();
        long deadline = lingerMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        awaitLinger(deadline, done);
    }

    private void awaitLinger(long deadline, CompletableFuture<Void> done) {
        drain();
        if (System.nanoTime() >= deadline || nothingLeftToSend()) {
            List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
            servers.forEach(ch -> closing.add(ch.closeFuture()));
            connections.forEach(ch -> closing.add(ch.closeFuture()));
            finishClose();
            // CLOSED comes once every channel has closed (so DISCONNECTED comes first, and no
            // channel is still closing when a context then shuts its loops down).
            AtomicInteger left = new AtomicInteger(closing.size() + 1);
            Runnable oneClosed = () -> {
                if (left.decrementAndGet() == 0) {
                    loop.execute(() -> {
                        emit(SocketEvent.Type.CLOSED, String.valueOf(lastEndpoint), "");
                        done.complete(null);
                    });
                }
            };
            closing.forEach(f -> f.addListener(x -> oneClosed.run()));
            oneClosed.run();
            return;
        }
        loop.schedule(() -> awaitLinger(deadline, done), 5, TimeUnit.MILLISECONDS);
    }

    private boolean nothingLeftToSend() {
        if (pipes.isEmpty()) {
            // No peer, and none can come (listeners are closed): queued messages have nowhere to go.
            return true;
        }
        if (stalled != null || !outQueue.isEmpty()) {
            return false;
        }
        for (Pipe p : pipes) {
            if (p.outboundDepth() > 0) {
                return false;
            }
            if (p.hasUnsentData()) {
                return false;
            }
        }
        return true;
    }

    private void finishClose() {
        context.inproc().forget(this);
        for (Connecter c : connecters) {
            c.stop();
        }
        // Connections still in their handshake belong to no pipe yet; close them too.
        for (Channel ch : new ArrayList<>(connections)) {
            ch.close();
        }
        for (Pipe p : new ArrayList<>(pipes)) {
            detachPipe(p);
        }
        for (Pipe p : new ArrayList<>(retiring)) {
            retired(p);
        }
        if (stalled != null) {
            stalled.close();
            stalled = null;
        }
        Message m;
        while ((m = outQueue.poll()) != null) {
            m.close();
        }
        inbound.publish();
        Object o;
        while ((o = inbound.poll()) != null) {
            ((Message) o).close();
        }
        while ((m = inboundOverflow.poll()) != null) {
            m.close();
        }
        PendingSend p;
        while ((p = asyncSends.poll()) != null) {
            p.future.completeExceptionally(new IllegalStateException("socket closed"));
        }
        CompletableFuture<Message> r;
        while ((r = asyncReceives.poll()) != null) {
            r.completeExceptionally(new IllegalStateException("socket closed"));
        }
        closed();
    }

    boolean isClosing() {
        return closed;
    }

    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("socket is closed");
        }
    }

    /** Runs {@code task} on the socket's loop (at once when already on it). */
    protected final void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    // ------------------------------------------------------------------ what socket types supply

    /** A pipe joined the socket (at connect, or when an accepted connection finished its handshake). */
    protected abstract void attach(Pipe pipe);

    /** A pipe left the socket for good. */
    protected abstract void detach(Pipe pipe);

    /** A connection of {@code pipe} is ready (also after each reconnect). */
    protected void connected(Pipe pipe) {
    }

    /** The connection of {@code pipe} went away (a connect-side pipe stays attached). */
    protected void disconnected(Pipe pipe) {
    }

    /**
     * Routes one message on the loop: hand it to pipes (the pipes own it then) or drop it (close
     * it). Returns false when it cannot go yet; it is offered again when a pipe has room.
     */
    protected abstract boolean route(Message message);

    /** Application thread: may this message be sent now? Throws for a wrong call order. */
    protected void checkSend(Message message) {
    }

    /** Application thread: last changes before the message is queued (e.g. REQ's delimiter). */
    protected void prepareSend(Message message) {
    }

    /** Application thread: may this socket receive now? */
    protected void checkReceive() {
    }

    /**
     * Loop: sees each inbound message first; returns false when it consumed it (e.g. a
     * subscription at a publisher), true to queue it for the application.
     */
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        return true;
    }

    /** Loop: turns a queued inbound message into what the application gets; null drops it. */
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        return Message.fromZmtp(message);
    }

    /** Application thread: the last look at a message before it is returned; null skips it. */
    protected Message acceptReceived(Message message) {
        return message;
    }

    /** Loop: a command arrived after the handshake (SUBSCRIBE, CANCEL, unknown ones). */
    protected void command(Pipe pipe, Command command) {
    }

    /** Loop: the socket is closing for good; release what the type holds. */
    protected void closed() {
    }

    /** Loop: may this pipe be attached? PAIR refuses a second peer. */
    protected boolean admits(Pipe pipe) {
        return true;
    }

    /**
     * Loop: the routing id this peer is known by (ROUTER generates one for an anonymous peer), or
     * null to ignore the connection (ROUTER: the id is already taken). Others keep what was announced.
     */
    protected byte[] assignRoutingId(Pipe pipe, byte[] announced) {
        return announced == null ? new byte[0] : announced;
    }

    // helpers for socket types in other packages
    protected static ZmtpMessage toWire(Message message) {
        return message.toZmtp();
    }

    protected static Message fromWire(ZmtpMessage message) {
        return Message.fromZmtp(message);
    }

    protected static Object replyTo(Message message) {
        return message.replyTo;
    }

    protected static void replyTo(Message message, Object envelope) {
        message.replyTo = envelope;
    }

    @Override
    public String toString() {
        return type + (lastEndpoint == null ? "" : "@" + lastEndpoint);
    }
}
