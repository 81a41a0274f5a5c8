package io.zmtp.socket.pipe;

import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Command;

import java.net.SocketAddress;

/**
 * What carries a pipe's messages to its peer: a Netty channel for tcp and ipc, an in-process
 * hand-over for inproc. A pipe talks only to this, so routing does not care which transport a
 * peer uses. Every method is called on the owning socket's event loop.
 */
public interface Link {
    /** True while a write would be taken without growing an unbounded buffer. */
    boolean isWritable();

    /** Writes a message; the link owns it from here (and releases it if it is already closed). */
    void write(ZmtpMessage message);

    /** Writes a command (subscriptions); commands do not count against high-water marks. */
    void write(Command command);

    /** Makes everything written since the last flush visible to the peer. */
    void flush();

    /**
     * The pipe queued a message because {@link #isWritable} said no. On the loop the link's own
     * writability event brings the pipe back; a link that answered no to a send routed on another
     * thread makes sure the loop comes to write it.
     */
    default void heldBack() {
    }

    /** Stops (false) or resumes (true) taking messages from the peer: the receive HWM was reached. */
    void setReading(boolean reading);

    /** The pipe handed one received message to the application; inproc uses it to return credit. */
    default void taken() {
    }

    /** True while written bytes still wait in a transport buffer (LINGER waits for them). */
    boolean hasUnsentData();

    /** Ends the connection; the socket hears of it as of any other disconnect. */
    void close();

    /** Ends the connection once what was written and flushed before is out. */
    default void closeAfterWrites() {
        close();
    }

    /** The peer's address, for {@link PeerInfo}. */
    SocketAddress remoteAddress();
}
