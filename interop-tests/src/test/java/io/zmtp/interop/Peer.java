package io.zmtp.interop;

import java.time.Duration;
import java.util.List;

/**
 * A socket of another ZeroMQ implementation (JeroMQ in this JVM, or libzmq in a python process),
 * opened by a {@link PeerHost} with {@link PeerOptions}.
 */
public interface Peer extends End {
    /**
     * Monitor events this socket reported (it must have been opened with
     * {@link PeerOptions#monitor()}), by libzmq's names without the prefix, e.g.
     * {@code HANDSHAKE_FAILED_AUTH}; waits up to {@code wait} for the first.
     */
    List<String> events(Duration wait);

    /**
     * Lets the socket process what its I/O thread told it (a new pipe, a pipe gone) without
     * sending or receiving, as polling it would. A no-op once the socket or its host is gone.
     */
    void poke();

    /**
     * Sends without waiting: null when the message went, otherwise the errno the implementation
     * gave, by name (EHOSTUNREACH for an unknown id under ROUTER_MANDATORY, EAGAIN for no room).
     */
    String sendOrError(List<byte[]> frames);

    @Override
    default boolean trySend(List<byte[]> frames) {
        String error = sendOrError(frames);
        if (error == null) {
            return true;
        }
        if (error.equals("EHOSTUNREACH") || error.equals("EAGAIN")) {
            return false;
        }
        throw new IllegalStateException(who() + " " + type() + " send failed: " + error);
    }
}
