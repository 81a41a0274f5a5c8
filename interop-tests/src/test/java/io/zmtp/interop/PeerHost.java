package io.zmtp.interop;

/**
 * A running peer implementation that opens {@link Peer} sockets: a JeroMQ context, or a python
 * process with libzmq. Closing it closes every socket it opened.
 */
public interface PeerHost extends AutoCloseable {
    /** Opens a socket of {@code type} (REQ, ROUTER, ...). */
    Peer open(String type, PeerOptions options);

    /** False once the host can no longer serve (its process died, or a command went unanswered). */
    boolean isAlive();

    /**
     * Ends the host at once, as a crash would: libzmq's process is killed; JeroMQ's context is
     * torn down without lingering.
     */
    void kill();

    @Override
    void close();
}
