package io.zmtp.interop;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One end of a matrix connection: a socket of ours or of a peer implementation, seen through the
 * few operations a cell needs. Frames are plain byte arrays so one test body runs whichever
 * implementation holds which end.
 */
public interface End extends AutoCloseable {
    /** Who holds this end: "ours", "JeroMQ" or "libzmq". */
    String who();

    /** The socket type, as ZeroMQ spells it (REQ, ROUTER, ...). */
    String type();

    /** Binds to {@code endpoint} (tcp://127.0.0.1:* or ipc://path) and returns the endpoint bound. */
    String bind(String endpoint);

    void connect(String endpoint);

    /** Sends one multipart message, waiting up to 10 s for room; fails the cell otherwise. */
    void send(List<byte[]> frames);

    /**
     * Sends if the socket can route the message now: false when a ROUTER_MANDATORY socket does not
     * know the routing id (yet) or there is no room. Throws on any other failure.
     */
    boolean trySend(List<byte[]> frames);

    /** The next message, or null when none came within {@code timeout}. */
    List<byte[]> receive(Duration timeout);

    /** PEER only: connects and returns the routing id of the peer there (zmq_connect_peer). */
    default int connectPeer(String endpoint) {
        throw new UnsupportedOperationException(who() + " " + type() + ": connectPeer is for PEER");
    }

    /** SUB only: adds a subscription. */
    void subscribe(byte[] prefix);

    /** SUB only: withdraws a subscription. */
    void unsubscribe(byte[] prefix);

    @Override
    void close();

    default void send(String... frames) {
        send(frames(frames));
    }

    default void send(byte[]... frames) {
        send(List.of(frames));
    }

    static List<byte[]> frames(String... text) {
        List<byte[]> out = new ArrayList<>(text.length);
        for (String t : text) {
            out.add(t.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    static List<String> strings(List<byte[]> frames) {
        if (frames == null) {
            return null;
        }
        List<String> out = new ArrayList<>(frames.size());
        for (byte[] f : frames) {
            out.add(new String(f, StandardCharsets.UTF_8));
        }
        return out;
    }
}
