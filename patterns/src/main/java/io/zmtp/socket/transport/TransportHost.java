package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Command;
import io.zmtp.socket.LoopPermit;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.SocketOptions;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Link;
import io.zmtp.socket.pipe.Pipe;

import java.util.List;

/**
 * What a {@link Transport} may ask of the socket it serves: the seam between transports and the
 * socket core. Every method but the accessors runs on the socket's event loop.
 */
public interface TransportHost {
    /** Outcome of {@link #admit}. */
    enum Admission {
        /** The peer is attached and its pipe is live. */
        ADMITTED,
        /** The socket refuses it (PAIR's second peer, a closing socket): close the connection. */
        REFUSED,
        /** ROUTER: its routing id is taken; libzmq keeps such a connection but ignores it. */
        IGNORED
    }

    ZmtpContext context();

    EventLoop loop();

    /**
     * Queues {@code task} on {@link #loop()} from another thread, the cheapest way that loop can be
     * woken (throws {@code RejectedExecutionException} when the loop is shut down).
     */
    void execute(Runnable task);

    /**
     * The permit of the socket's loop when that loop lends it to sending threads (see
     * {@link LoopPermit}); null otherwise. A transport whose connections' events reach the socket
     * must then have each take it first ({@code io.zmtp.socket.pipe.LinkGate} does for channels).
     */
    LoopPermit permit();

    SocketType type();

    SocketOptions options();

    /** True once the socket is closing (it then takes no new peer). */
    boolean isClosing();

    /** A new pipe with the socket's HWMs; a connect's pipe is attached at once by the socket. */
    Pipe newPipe(boolean connectSide, String endpoint);

    /**
     * The one admission sequence, after a handshake or its stand-in: the socket type may refuse
     * the peer, assigns its routing id, connects {@code pipe} to {@code link}, attaches a fresh
     * pipe, reports HANDSHAKE_SUCCEEDED and writes what the pipe held. {@code linked} runs right
     * after the pipe is connected to the link and before anything is written through it.
     *
     * @param pipe   the connect side's pipe, or a fresh one from {@link #newPipe} for an accepted peer
     * @param fresh  true for an accepted peer (its pipe is attached only if admitted)
     */
    Admission admit(Pipe pipe, boolean fresh, Link link, byte[] announcedIdentity, ZmtpVersion version,
                    String mechanism, String userId, String detail, Runnable linked);

    /** A connection (accepted or made) exists, even before its handshake: closing closes it. */
    void track(Channel connection);

    /**
     * For a decoder: the received one-frame message, made as the socket's own message class (from
     * the objects its application gave back, when there are some). Owns {@code frame}.
     */
    ZmtpMessage newMessage(ByteBuf frame);

    /** The same for several frames (the list is not kept). */
    ZmtpMessage newMessage(List<ByteBuf> frames);

    /** For a decoder: a buffer to copy a small received body of {@code size} bytes into, or null. */
    ByteBuf bodyBuffer(int size);

    /** A message arrived on {@code pipe}; the end of the batch calls {@link #announceInbound()}. */
    void received(Pipe pipe, ZmtpMessage message);

    /** A command arrived on {@code pipe} after the handshake. */
    void command(Pipe pipe, Command command);

    /** The end of an inbound batch: wakes a waiting receiver once for all it brought. */
    void announceInbound();

    /** Flushes every pipe written to since the last flush. */
    void flushPipes();

    /** A pipe's link can take writes again: route what waited. */
    void pipeHasRoom();

    /** The link of {@code pipe} went away; a connect-side pipe stays for the next connection. */
    void pipeDisconnected(Pipe pipe);

    /** {@code pipe} leaves the socket for good (e.g. reconnecting was given up). */
    void detachPipe(Pipe pipe);

    /** Reports a connection event to the socket's listeners and monitor. */
    void emit(SocketEvent.Type type, String endpoint, String detail);

    /** Runs {@code task} on the socket's loop (at once when already there). */
    void runOnLoop(Runnable task);
}
