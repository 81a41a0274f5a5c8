package io.zmtp.socket.routing;

import io.zmtp.socket.pipe.Pipe;

/**
 * Inbound fair queuing (PULL, DEALER, ROUTER, REP, SUB, XSUB, PAIR): whole messages are taken
 * from the peers with messages waiting, one peer after another, so a busy peer cannot starve a
 * quiet one.
 */
public final class FairQueue {
    private final RoundRobin<Pipe> pipes = new RoundRobin<>();

    public void attach(Pipe pipe) {
        pipes.add(pipe);
    }

    public void detach(Pipe pipe) {
        pipes.remove(pipe);
    }

    /** The peer whose turn it is among those with a message waiting, or null. */
    public Pipe next() {
        return pipes.next(Pipe::hasInbound);
    }

    public boolean hasInbound() {
        return pipes.anyMatch(Pipe::hasInbound);
    }
}
