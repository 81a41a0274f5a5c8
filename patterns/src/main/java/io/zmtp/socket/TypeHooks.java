package io.zmtp.socket;

import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Command;
import io.zmtp.socket.pipe.Pipe;

/**
 * What a socket type supplies: the hooks the socket core calls, with libzmq's roles (attach,
 * route, the looks at what arrives and what is sent). The base of {@link Socket}, which adds the
 * application's methods; a socket type extends {@link Socket} and overrides what it needs. Each
 * hook says which thread runs it: "Loop" means the socket's event loop, or a thread holding its
 * permit.
 */
abstract class TypeHooks {
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

    /**
     * True when {@link #route} sends each message to at most one peer and writes nothing else, so a
     * send may be routed on the sending thread while the loop sleeps (see {@link LoopPermit}).
     */
    protected boolean routesOnCaller() {
        return false;
    }

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

    /**
     * Loop: CONNECT_ROUTING_ID, before a connect's pipe is attached: the peer it reaches is known by
     * {@code id}. Returns null, or why not (another peer has it). Only the types that take the
     * option (ROUTER, STREAM) are asked.
     */
    protected String presetRoutingId(Pipe pipe, byte[] id) {
        throw new IllegalStateException(getClass().getSimpleName() + " has no CONNECT_ROUTING_ID");
    }

}
