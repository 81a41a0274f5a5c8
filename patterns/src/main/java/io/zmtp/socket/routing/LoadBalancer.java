package io.zmtp.socket.routing;

import io.zmtp.socket.pipe.Pipe;

/**
 * Outbound load balancing (PUSH, DEALER, REQ): each message goes to the next peer in turn that
 * has room below its send HWM; when none has room the sender waits.
 */
public final class LoadBalancer {
    private final RoundRobin<Pipe> pipes = new RoundRobin<>();

    public void attach(Pipe pipe) {
        pipes.add(pipe);
    }

    public void detach(Pipe pipe) {
        pipes.remove(pipe);
    }

    /** The peer for the next message, or null when every peer is full (or there is none). */
    public Pipe next() {
        return pipes.next(Pipe::hasRoomOut);
    }

    /** The same, counting only peers whose connection is up when {@code immediate} (ZMQ_IMMEDIATE). */
    public Pipe next(boolean immediate) {
        return immediate ? pipes.next(LoadBalancer::connectedWithRoom) : pipes.next(Pipe::hasRoomOut);
    }

    private static boolean connectedWithRoom(Pipe p) {
        return p.isReady() && p.hasRoomOut();
    }

    public int size() {
        return pipes.size();
    }
}
