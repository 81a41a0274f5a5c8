package io.zmtp.socket.routing;

import io.zmtp.socket.pipe.Pipe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SERVER's peers by 32-bit routing id (RFC 41). Ids are local, never on the wire: each new peer
 * gets the next number of a counter that starts at a random value and skips 0 (0 means "no peer"
 * on a message), as libzmq's SERVER does. Updated on the event loop; readable from any thread, so
 * a send to an unknown id fails on the sending thread.
 */
public final class IntRoutingIdTable {
    private final Map<Integer, Pipe> byId = new ConcurrentHashMap<>();
    private int next = ThreadLocalRandom.current().nextInt();

    /** Registers {@code pipe} under a fresh id and returns it. */
    public int register(Pipe pipe) {
        while (true) {
            int id = next++;
            if (id != 0 && byId.putIfAbsent(id, pipe) == null) {
                return id;
            }
        }
    }

    public void unregister(int id, Pipe pipe) {
        byId.remove(id, pipe);
    }

    /** The peer with routing id {@code id}, or null. */
    public Pipe lookup(int id) {
        return byId.get(id);
    }

    public boolean contains(int id) {
        return id != 0 && byId.containsKey(id);
    }

    /** Big-endian bytes of an id, as {@link Pipe#routingId()} shows it. */
    public static byte[] bytes(int id) {
        return new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
    }

    /** The id {@link #bytes} made. */
    public static int of(byte[] bytes) {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | bytes[3] & 0xff;
    }
}
