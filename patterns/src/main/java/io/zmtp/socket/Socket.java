package io.zmtp.socket;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.pipe.PeerInfo;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.transport.Transport;
import io.zmtp.socket.transport.TransportHost;
import io.zmtp.socket.transport.TransportRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A ZeroMQ socket: one socket type's routing over any number of peers, reached by binding and
 * connecting to endpoints. This class is the public face; the work is done by its parts, each with
 * one job: the {@link Transport} of each endpoint's scheme makes connections, {@link PipeSet}
 * admits peers and keeps their pipes, {@link OutboundHandoff} and {@link InboundHandoff} move
 * messages between application threads and the socket's event loop, {@link Linger} closes, and
 * {@link SocketEvents} reports. Subclasses in {@code io.zmtp.socket.type} supply the routing.
 *
 * <p>Threading: all routing state lives on one Netty event loop, touched by whoever holds that loop's
 * {@link LoopPermit}: the loop while awake, or a sending thread whose send answers a receive and finds
 * the loop asleep (it then routes and writes the message itself). Like libzmq sockets, a socket is
 * meant to be used by one application thread at a time.
 */
public abstract class Socket extends TypeHooks implements AutoCloseable {
    private final ZmtpContext context;
    private final SocketType type;
    private final SocketOptions options;
    protected final EventLoop loop;
    /** Puts tasks from other threads on {@link #loop} (see {@link NioWakeup}). */
    final Executor tasks;
    /** The loop's permit when it lends it to sending threads, else null (see {@link LoopPermit}). */
    final LoopPermit permit;

    final SocketEvents events = new SocketEvents();
    final PipeSet pipes = new PipeSet(this);
    final OutboundHandoff outbound;
    final InboundHandoff inbound;
    private final Linger linger = new Linger(this);
    private final TransportHost host = new SocketHost(this);

    /** Pollers waiting on this socket: told when a message arrives or room frees up. */
    final Readiness readiness = new Readiness();
    /** What bind made, and what connect started; loop only once closing. */
    final List<Transport.Listener> listeners = new CopyOnWriteArrayList<>();
    final List<Transport.Dialer> dialers = new ArrayList<>();
    /** Every connection of this socket, including those still in their handshake; loop only. */
    final Set<Channel> connections = new HashSet<>();
    private volatile boolean closed;
    private volatile String lastEndpoint;

    protected Socket(ZmtpContext context, SocketType type) {
        this.context = context;
        this.type = type;
        this.options = new SocketOptions(type);
        this.loop = context.nextLoop();
        this.tasks = context.tasksFor(loop);
        this.permit = context.permitFor(loop);
        this.outbound = new OutboundHandoff(this, loop, options);
        this.inbound = new InboundHandoff(this, options, loop);
    }

    public SocketType type() {
        return type;
    }

    public SocketOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ endpoints

    /**
     * Binds to {@code endpoint} ({@code tcp://host:port}, {@code tcp://*:port}, {@code tcp://*:*},
     * {@code ipc:///path}, {@code inproc://name}, or another registered transport's scheme) and
     * returns the endpoint actually bound (with the real port).
     *
     * @throws IllegalArgumentException for a malformed endpoint or an unknown scheme
     * @throws IllegalStateException    when the address cannot be bound (e.g. the port is in use)
     */
    public String bind(String endpoint) {
        checkOpen();
        Transport transport = transportOf(endpoint);
        Transport.Listener l = transport.bind(host, transport.parse(endpoint));
        listeners.add(l);
        lastEndpoint = l.endpoint();
        events.emit(SocketEvent.Type.LISTENING, l.endpoint(), "");
        return l.endpoint();
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
        Transport transport = transportOf(endpoint);
        Endpoint ep = transport.parse(endpoint);
        transport.checkConnectable(type, ep);
        byte[] routingId = options.takeConnectRoutingId();
        if (routingId == null) {
            runOnLoop(() -> connectOnLoop(transport, ep, null));
            return;
        }
        // CONNECT_ROUTING_ID: the peer is routable by that id once connect returns, or the id is taken.
        IllegalArgumentException taken = onLoop(() -> connectOnLoop(transport, ep, routingId), "connect " + ep);
        if (taken != null) {
            throw taken;
        }
    }

    /** Loop: makes the connect's pipe; the refusal when its CONNECT_ROUTING_ID is taken, else null. */
    private IllegalArgumentException connectOnLoop(Transport transport, Endpoint ep, byte[] routingId) {
        Pipe pipe = newPipe(true, ep.toString());
        String refused = routingId == null ? null : presetRoutingId(pipe, routingId);
        if (refused != null) {
            return new IllegalArgumentException(refused);
        }
        pipes.attach(pipe);
        dialers.add(transport.connect(host, ep, pipe));
        return null;
    }

    private static Transport transportOf(String endpoint) {
        return TransportRegistry.forEndpoint(endpoint);
    }

    ZmtpContext context() {
        return context;
    }

    Pipe newPipe(boolean connectSide, String endpoint) {
        Pipe p = new Pipe(connectSide, endpoint, options.sendHwm(), options.receiveHwm(), options.sendHwmBytes(),
                options.receiveHwmBytes());
        if (options.conflate()) {
            p.conflate();
        }
        return p;
    }

    // ------------------------------------------------------------------ sending

    /** Sends, blocking up to SNDTIMEO; false when it timed out (the caller still owns the message). */
    public boolean send(Message message) {
        return send(message, options.sendTimeout());
    }

    /**
     * Sends, waiting up to {@code timeout} for room; false when it timed out (the caller keeps the
     * message). On the socket's own I/O thread (in a message handler) a send that would have to wait
     * throws {@link IllegalStateException} instead: that thread is the one that makes room.
     */
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
        boolean sent = false;
        try {
            sent = send(m);
        } finally {
            // Not taken (a time-out, or an error such as a closed socket): the message is still ours.
            if (!sent) {
                m.close();
            }
        }
        return sent;
    }

    /**
     * Sends when there is room; the future completes once the socket has taken the message (it
     * then owns it). Completion runs on the socket's event loop: do not block in callbacks.
     */
    public CompletableFuture<Void> sendAsync(Message message) {
        checkOpen();
        message.checkSendable();
        checkSend(message);
        return outbound.sendAsync(message);
    }

    private boolean send(Message message, long timeoutMillis) {
        checkOpen();
        message.checkSendable();
        if (message.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one frame");
        }
        if (message.size() > 1 && options.conflate()) {
            throw new IllegalArgumentException("CONFLATE keeps one-frame messages only; this one has " + message.size());
        }
        checkSend(message);
        return outbound.send(message, timeoutMillis);
    }

    // ------------------------------------------------------------------ receiving

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
     * Receives into {@code into}, blocking up to RCVTIMEO, as {@code zmq_msg_recv} does: the
     * message's frames are released and the received ones take their place; false when it timed
     * out ({@code into} unchanged). Receiving into the same message again and again allocates
     * nothing per message for bodies up to 1 KiB: the socket reuses its objects and the message's
     * small body buffers. So a frame of {@code into} is valid only until the next receive into it
     * (retain or copy what must live longer), and it may have room beyond its readable bytes. A
     * closed message may be received into; a sent one may not.
     */
    public boolean receive(Message into) {
        return receive(into, options.receiveTimeout());
    }

    /** Receives into {@code into} (see {@link #receive(Message)}), waiting up to {@code timeout}. */
    public boolean receive(Message into, Duration timeout) {
        return receive(into, timeout.toMillis());
    }

    /** Receives into {@code into} (see {@link #receive(Message)}) only what is already there. */
    public boolean tryReceive(Message into) {
        return receive(into, 0);
    }

    private boolean receive(Message into, long timeoutMillis) {
        checkOpen();
        checkReceive();
        into.checkReceivable();
        return inbound.receive(into, timeoutMillis);
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
        return inbound.receiveAsync();
    }

    private Message receive(long timeoutMillis) {
        checkOpen();
        checkReceive();
        return inbound.receive(timeoutMillis);
    }

    /**
     * The event-driven alternative to receive and poll, for Netty-native code: from now on every
     * message is passed to {@code handler} on the socket's event loop as soon as it is ready (the
     * handler owns and must close it, and must not block). Messages already waiting go first.
     * {@code null} switches back to receive().
     */
    public void onMessage(Consumer<Message> handler) {
        checkOpen();
        inbound.onMessage(handler);
    }

    /** True when a receive would not wait (a message is ready for the application). */
    public boolean isReadable() {
        return inbound.isReadable();
    }

    /** True when a send would not wait (the hand-off queue has room). */
    public boolean isWritable() {
        return !closed && outbound.hasRoom();
    }

    void addReadinessWatcher(int events, Runnable watcher) {
        readiness.add(events, watcher);
    }

    void removeReadinessWatcher(int events, Runnable watcher) {
        readiness.remove(events, watcher);
    }

    // ------------------------------------------------------------------ for socket types (loop side)

    /** The attached pipes; loop only. */
    protected final List<Pipe> pipes() {
        return pipes.all();
    }

    /** Flushes every pipe written to since the last flush. */
    protected final void flushPipes() {
        pipes.flush();
    }

    /** Loop: hands a message straight to the application (e.g. XPUB's synthesised unsubscriptions). */
    protected final void deliverToApplication(Message message) {
        inbound.deliver(message);
        inbound.announce();
    }

    /**
     * Loop: a message the type made for {@code pipe} (STREAM's connect and disconnect notices),
     * received as if that peer had sent it: behind what it did send.
     */
    protected final void receivedFrom(Pipe pipe, ZmtpMessage message) {
        inbound.received(pipe, message);
        inbound.announce();
    }

    /** Runs {@code task} on the socket's loop (at once when already on it). */
    protected final void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            holdPermit();
            task.run();
        } else {
            tasks.execute(task);
        }
    }

    // ------------------------------------------------------------------ events and statistics

    /** Adds a listener for connection events; it runs on the socket's event loop. */
    public void addEventListener(Consumer<SocketEvent> listener) {
        events.add(listener);
    }

    public void removeEventListener(Consumer<SocketEvent> listener) {
        events.remove(listener);
    }

    /**
     * libzmq's zmq_socket_monitor: binds a PAIR socket to {@code endpoint} (inproc://) that sends
     * each event of {@code types} as two frames, the 6-byte code and value, then the endpoint.
     * Connect a PAIR socket of the same context to read them. Replaces an earlier monitor.
     */
    public void monitor(String endpoint, Set<SocketEvent.Type> types) {
        checkOpen();
        events.monitor(context, endpoint, types, lastEndpoint);
    }

    /** {@link #monitor(String, Set)} for every event type. */
    public void monitor(String endpoint) {
        monitor(endpoint, EnumSet.allOf(SocketEvent.Type.class));
    }

    /** Stops the monitor (it sends MONITOR_STOPPED last); nothing when there is none. */
    public void stopMonitor() {
        events.stopMonitor(lastEndpoint);
    }

    /** A snapshot of every peer: routing id, address, version, queue depths, counters. */
    public List<PeerInfo> peers() {
        return onLoop(pipes::snapshot, "the peers");
    }

    /**
     * The socket's whole counters, which keep what went through peers that have left, with a
     * snapshot of its present peers; one visit to the loop for both.
     */
    public SocketStats stats() {
        return onLoop(pipes::stats, "the counters");
    }

    /** Reads {@code what} on the socket's loop, which owns it (waiting up to 10 s from another thread). */
    private <T> T onLoop(Supplier<T> read, String what) {
        return LoopCall.read(loop, () -> {
            holdPermit();
            return read.get();
        }, "read " + what);
    }

    /**
     * Messages sent and not yet handed to a connection: those waiting in the socket's queue and in
     * its peers' queues (a peer not connected yet holds its own). A message written into a
     * connection counts as handed over; LINGER is the time close gives these to go.
     */
    public long unsentMessages() {
        return onLoop(() -> outbound.queued() + pipes.outboundDepth(), "the queues");
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
        outbound.wakeSenders();
        inbound.wakeReceivers();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long lingerMillis = options.linger();
        tasks.execute(() -> linger.begin(lingerMillis, done));
        if (!loop.inEventLoop()) {
            done.join();
        }
        stopMonitor();
        context.forget(this);
    }

    public boolean isClosed() {
        return closed;
    }

    boolean isClosing() {
        return closed;
    }

    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("socket is closed");
        }
    }

    // ------------------------------------------------------------------ what socket types supply (and TypeHooks)

    /** Loop: turns a queued inbound message into what the application gets; null drops it. */
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        return Message.fromZmtp(message, inbound.returned, inbound.lendsInproc);
    }

    /** Loop: makes sure socket work here does not run beside a borrowed send. */
    final void holdPermit() {
        if (permit != null) {
            permit.hold();
        }
    }

    @Override
    public String toString() {
        return type + (lastEndpoint == null ? "" : "@" + lastEndpoint);
    }
}
