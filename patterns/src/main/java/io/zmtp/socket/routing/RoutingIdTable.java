package io.zmtp.socket.routing;

import io.zmtp.socket.pipe.Pipe;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ROUTER's table of peers by routing id. A peer that announced a non-empty Identity is known by
 * it; any other gets a generated id of 5 bytes: 0x00 and a 32-bit counter from a random start, as
 * libzmq does. A connect made with CONNECT_ROUTING_ID pins its pipe to the id it was given
 * ({@link #pin}): routable before its connection is up, and kept across reconnects until the
 * pipe leaves ({@link #forget}). Updated on the event loop; readable from any thread (for
 * ROUTER_MANDATORY).
 */
public final class RoutingIdTable {
    private final Map<ByteBuffer, Pipe> byId = new ConcurrentHashMap<>();
    /** Pipes pinned to the id CONNECT_ROUTING_ID gave them (loop only). */
    private final Map<Pipe, byte[]> pinned = new HashMap<>();
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

    /** Pins {@code pipe} to {@code id} (CONNECT_ROUTING_ID); false when another peer has the id. */
    public boolean pin(byte[] id, Pipe pipe) {
        if (!register(id, pipe)) {
            return false;
        }
        pinned.put(pipe, id.clone());
        return true;
    }

    /** The id {@code pipe} is pinned to, or null. */
    public byte[] pinnedId(Pipe pipe) {
        return pinned.get(pipe);
    }

    public boolean isPinned(Pipe pipe) {
        return pinned.containsKey(pipe);
    }

    /** {@code pipe} leaves: its pinned id and the id it was known by are free again. */
    public void forget(Pipe pipe) {
        byte[] id = pinned.remove(pipe);
        if (id != null) {
            unregister(id, pipe);
        }
        if (pipe.routingId() != null) {
            unregister(pipe.routingId(), pipe);
        }
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
