package io.zmtp.socket.routing;

import io.zmtp.socket.pipe.Pipe;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ROUTER's table of peers by routing id. A peer that announced a non-empty Identity is known by
 * it; any other gets a generated id of 5 bytes: 0x00 and a 32-bit counter from a random start, as
 * libzmq does. Updated on the event loop; readable from any thread (for ROUTER_MANDATORY).
 */
public final class RoutingIdTable {
    private final Map<ByteBuffer, Pipe> byId = new ConcurrentHashMap<>();
    private int nextGenerated = ThreadLocalRandom.current().nextInt();

    /** A fresh generated id, not currently in use. */
    public byte[] generate() {
        while (true) {
            int n = nextGenerated++;
            byte[] id = {0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
            if (!byId.containsKey(ByteBuffer.wrap(id))) {
                return id;
            }
        }
    }

    /** Registers {@code pipe} under {@code id}; false when the id is taken by another peer. */
    public boolean register(byte[] id, Pipe pipe) {
        return byId.putIfAbsent(ByteBuffer.wrap(id.clone()), pipe) == null;
    }

    /** Gives {@code id} to {@code pipe}, whoever had it (ROUTER_HANDOVER). */
    public void replace(byte[] id, Pipe pipe) {
        byId.put(ByteBuffer.wrap(id.clone()), pipe);
    }

    public void unregister(byte[] id, Pipe pipe) {
        byId.remove(ByteBuffer.wrap(id), pipe);
    }

    /** The peer with routing id {@code id}, or null. */
    public Pipe lookup(byte[] id) {
        return byId.get(ByteBuffer.wrap(id));
    }

    public Pipe lookup(ByteBuffer id) {
        return byId.get(id);
    }

    public boolean contains(byte[] id) {
        return byId.containsKey(ByteBuffer.wrap(id));
    }

    public int size() {
        return byId.size();
    }
}
