package io.zmtp.socket;

import io.zmtp.codec.SocketType;

/**
 * The options only some socket types take (libzmq's ROUTER_*, XPUB_*, REQ_*, STREAM_NOTIFY,
 * CONNECT_ROUTING_ID, PROBE_ROUTER, INVERT_MATCHING, IMMEDIATE, RECONNECT_STOP, and the hello, disconnect and hiccup
 * messages), each refused with {@link IllegalArgumentException} naming it on a type it does not
 * apply to. The base of {@link SocketOptions}: one flat set of options for the user, two classes of
 * one concern each here.
 */
abstract class TypeOptions {
    private final SocketType socketType;
    private volatile boolean routerMandatory;
    private volatile boolean routerHandover;
    private volatile int routerNotify;
    private volatile boolean probeRouter;
    private volatile boolean streamNotify = true;
    private volatile boolean xpubVerbose;
    private volatile boolean xpubNoDrop;
    private volatile byte[] xpubWelcome;
    private volatile boolean xpubManual;
    private volatile boolean invertMatching;
    private volatile boolean reqRelaxed;
    private volatile boolean reqCorrelate;
    private volatile boolean immediate;
    private volatile int reconnectStop;
    private volatile boolean conflate;
    private volatile byte[] hello;
    private volatile byte[] disconnect;
    private volatile byte[] hiccup;
    private final java.util.concurrent.atomic.AtomicReference<byte[]> connectRoutingId =
            new java.util.concurrent.atomic.AtomicReference<>();

    TypeOptions(SocketType socketType) {
        this.socketType = socketType;
    }

    abstract SocketOptions self();

    /** Throws unless this socket's type is one of {@code types}. */
    final void require(String option, SocketType... types) {
        for (SocketType t : types) {
            if (t == socketType) {
                return;
            }
        }
        throw new IllegalArgumentException(option + " does not apply to a " + socketType + " socket");
    }

    /** A message option's bytes: null (none) for an empty one, as libzmq treats a zero-length value. */
    private static byte[] message(String option, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " must not be null (set an empty one to clear it)");
        }
        return value.length == 0 ? null : value.clone();
    }

    private static int flags(String option, int value, int all) {
        if ((value & ~all) != 0) {
            throw new IllegalArgumentException(option + ": unknown flags in " + value + " (valid: 0.." + all + ")");
        }
        return value;
    }

    /** ZMQ_STREAM_NOTIFY (STREAM, default on): [routing id, empty frame] when a connection opens and when it closes. */
    public SocketOptions streamNotify(boolean on) {
        require("STREAM_NOTIFY", SocketType.STREAM);
        this.streamNotify = on;
        return self();
    }

    public boolean streamNotify() {
        return this.streamNotify;
    }

    /** ZMQ_ROUTER_MANDATORY: sending to an unknown routing id throws instead of dropping. */
    public SocketOptions routerMandatory(boolean on) {
        require("ROUTER_MANDATORY", SocketType.ROUTER);
        this.routerMandatory = on;
        return self();
    }

    public boolean routerMandatory() {
        return this.routerMandatory;
    }

    /**
     * ZMQ_ROUTER_HANDOVER: a peer announcing a routing id already in use takes it over, and the
     * connection that had it is closed (without it the newcomer is ignored, as libzmq does).
     */
    public SocketOptions routerHandover(boolean on) {
        require("ROUTER_HANDOVER", SocketType.ROUTER);
        this.routerHandover = on;
        return self();
    }

    public boolean routerHandover() {
        return this.routerHandover;
    }

    /**
     * ZMQ_ROUTER_NOTIFY: with {@link #NOTIFY_CONNECT} the application receives [routing id, empty
     * frame] when a peer connects, with {@link #NOTIFY_DISCONNECT} when it disconnects (0: neither).
     */
    public SocketOptions routerNotify(int flags) {
        require("ROUTER_NOTIFY", SocketType.ROUTER);
        this.routerNotify = flags("ROUTER_NOTIFY", flags, NOTIFY_CONNECT | NOTIFY_DISCONNECT);
        return self();
    }

    public int routerNotify() {
        return this.routerNotify;
    }

    /** ZMQ_NOTIFY_CONNECT and ZMQ_NOTIFY_DISCONNECT, for {@link #routerNotify(int)}. */
    public static final int NOTIFY_CONNECT = 1;
    public static final int NOTIFY_DISCONNECT = 2;

    /**
     * ZMQ_PROBE_ROUTER (ROUTER, DEALER, REQ): each new peer first gets an empty message, so a ROUTER
     * at the other end learns its routing id at once.
     */
    public SocketOptions probeRouter(boolean on) {
        require("PROBE_ROUTER", SocketType.ROUTER, SocketType.DEALER, SocketType.REQ);
        this.probeRouter = on;
        return self();
    }

    public boolean probeRouter() {
        return this.probeRouter;
    }

    /** ZMQ_XPUB_VERBOSE: pass every subscription to the application, not only new topics. */
    public SocketOptions xpubVerbose(boolean on) {
        require("XPUB_VERBOSE", SocketType.XPUB);
        this.xpubVerbose = on;
        return self();
    }

    public boolean xpubVerbose() {
        return this.xpubVerbose;
    }

    /**
     * ZMQ_XPUB_NODROP (PUB and XPUB, as in libzmq): when a subscriber's queue is at SNDHWM, the
     * message waits instead of being dropped for that subscriber, so a send blocks (or a
     * {@code trySend} fails) once the socket's own queue is full too. Off by default: a
     * publisher drops for slow subscribers.
     */
    public SocketOptions xpubNoDrop(boolean on) {
        require("XPUB_NODROP", SocketType.PUB, SocketType.XPUB);
        this.xpubNoDrop = on;
        return self();
    }

    public boolean xpubNoDrop() {
        return this.xpubNoDrop;
    }

    /**
     * ZMQ_XPUB_WELCOME_MSG: every new subscriber is first sent this one-frame message (a SUB gets it
     * only if it subscribed to a prefix of it); empty clears it.
     */
    public SocketOptions xpubWelcomeMessage(byte[] message) {
        require("XPUB_WELCOME_MSG", SocketType.XPUB);
        this.xpubWelcome = message("XPUB_WELCOME_MSG", message);
        return self();
    }

    public byte[] xpubWelcomeMessage() {
        byte[] m = xpubWelcome;
        return m == null ? new byte[0] : m.clone();
    }

    /**
     * ZMQ_XPUB_MANUAL: subscriptions from the peers are not applied; the application receives each
     * one (duplicates and unsubscriptions included) and applies what it wants with
     * {@code XPub.subscribe(topic)}, for the peer of the last one it received.
     */
    public SocketOptions xpubManual(boolean on) {
        require("XPUB_MANUAL", SocketType.XPUB);
        this.xpubManual = on;
        return self();
    }

    public boolean xpubManual() {
        return xpubManual;
    }

    /**
     * ZMQ_CONNECT_ROUTING_ID (ROUTER, STREAM): the routing id of the peer the next {@code connect}
     * reaches, in place of the one it announces (or a generated one). The peer is routable by it as
     * soon as {@code connect} returns (messages queue until the connection is up) and stays so
     * across reconnects. The next connect takes the value: it applies once. 1 to 255 bytes; a
     * connect whose id another peer has throws.
     */
    public SocketOptions connectRoutingId(byte[] id) {
        require("CONNECT_ROUTING_ID", SocketType.ROUTER, SocketType.STREAM);
        if (id == null || id.length < 1 || id.length > 255) {
            throw new IllegalArgumentException("CONNECT_ROUTING_ID must have 1 to 255 bytes, not "
                    + (id == null ? "null" : id.length));
        }
        this.connectRoutingId.set(id.clone());
        return self();
    }

    /** The routing id the next connect will give its peer, or null. */
    public byte[] connectRoutingId() {
        byte[] id = connectRoutingId.get();
        return id == null ? null : id.clone();
    }

    /** The connect that calls this takes the CONNECT_ROUTING_ID (null when none is set). */
    final byte[] takeConnectRoutingId() {
        return connectRoutingId.getAndSet(null);
    }

    /**
     * ZMQ_INVERT_MATCHING (PUB, XPUB, SUB): a publisher sends each message to the subscribers with
     * no matching subscription, a SUB keeps what matches none of its own. Set it on both ends.
     */
    public SocketOptions invertMatching(boolean on) {
        require("INVERT_MATCHING", SocketType.PUB, SocketType.XPUB, SocketType.SUB);
        this.invertMatching = on;
        return self();
    }

    public boolean invertMatching() {
        return this.invertMatching;
    }

    /** ZMQ_REQ_RELAXED: allow a new request before the reply came; the old reply is abandoned. */
    public SocketOptions reqRelaxed(boolean on) {
        require("REQ_RELAXED", SocketType.REQ);
        this.reqRelaxed = on;
        return self();
    }

    public boolean reqRelaxed() {
        return this.reqRelaxed;
    }

    /** ZMQ_REQ_CORRELATE: tag each request with an id and accept only the matching reply. */
    public SocketOptions reqCorrelate(boolean on) {
        require("REQ_CORRELATE", SocketType.REQ);
        this.reqCorrelate = on;
        return self();
    }

    public boolean reqCorrelate() {
        return this.reqCorrelate;
    }

    /**
     * ZMQ_IMMEDIATE: messages go only to peers whose connection is up; a connect that is not (yet)
     * connected takes none (a load-balancing or PAIR socket then waits, or sends to another peer).
     */
    public SocketOptions immediate(boolean on) {
        this.immediate = on;
        return self();
    }

    public boolean immediate() {
        return this.immediate;
    }

    /**
     * ZMQ_RECONNECT_STOP: a connect gives up on {@link #STOP_CONN_REFUSED} (the peer refused the
     * connection), {@link #STOP_HANDSHAKE_FAILED}, {@link #STOP_AFTER_DISCONNECT} (once connected,
     * the connection went away); any combination, 0 for none (the default).
     */
    public SocketOptions reconnectStop(int flags) {
        this.reconnectStop = flags("RECONNECT_STOP", flags,
                STOP_CONN_REFUSED | STOP_HANDSHAKE_FAILED | STOP_AFTER_DISCONNECT);
        return self();
    }

    public int reconnectStop() {
        return this.reconnectStop;
    }

    /** The flags of {@link #reconnectStop(int)}, as libzmq's ZMQ_RECONNECT_STOP_*. */
    public static final int STOP_CONN_REFUSED = 1;
    public static final int STOP_HANDSHAKE_FAILED = 2;
    public static final int STOP_AFTER_DISCONNECT = 4;

    /**
     * ZMQ_HELLO_MSG (DEALER, ROUTER, CLIENT, SERVER, PEER): sent to the peer first on every new
     * connection, made or accepted; empty clears it.
     */
    public SocketOptions helloMessage(byte[] message) {
        require("HELLO_MSG", SocketType.DEALER, SocketType.ROUTER, SocketType.CLIENT, SocketType.SERVER, SocketType.PEER);
        this.hello = message("HELLO_MSG", message);
        return self();
    }

    /**
     * ZMQ_DISCONNECT_MSG (ROUTER, SERVER, PEER): when an accepted peer's connection goes away after
     * its handshake, the application receives this message as if that peer had sent it.
     */
    public SocketOptions disconnectMessage(byte[] message) {
        require("DISCONNECT_MSG", SocketType.ROUTER, SocketType.SERVER, SocketType.PEER);
        this.disconnect = message("DISCONNECT_MSG", message);
        return self();
    }

    /**
     * ZMQ_HICCUP_MSG (DEALER, CLIENT, PEER): when a connection this socket made goes away after its
     * handshake, the application receives this message as if that peer had sent it.
     */
    public SocketOptions hiccupMessage(byte[] message) {
        require("HICCUP_MSG", SocketType.DEALER, SocketType.CLIENT, SocketType.PEER);
        this.hiccup = message("HICCUP_MSG", message);
        return self();
    }

    /**
     * ZMQ_CONFLATE (PUSH, PULL, PUB, SUB, DEALER): keep only the newest message, on the way out (each
     * peer's queue holds only the newest message its connection could not take yet) and on the way
     * in (a receive returns the newest message that arrived; the older ones are dropped). HWMs no
     * longer apply; messages must be one frame. Set it before bind or connect. Unlike libzmq, a send
     * made while the socket has no peer at all still waits in the socket's hand-off queue, unconflated.
     */
    public SocketOptions conflate(boolean on) {
        require("CONFLATE", SocketType.PUSH, SocketType.PULL, SocketType.PUB, SocketType.SUB, SocketType.DEALER);
        this.conflate = on;
        return self();
    }

    public boolean conflate() {
        return conflate;
    }

    /** The hello message, or null for none (the socket's own read). */
    byte[] hello() {
        return this.hello;
    }

    byte[] disconnectMessage() {
        return this.disconnect;
    }

    byte[] hiccupMessage() {
        return this.hiccup;
    }
}
