package io.zmtp.socket;

import io.zmtp.socket.pipe.Pipe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's side of one peer's received messages: the ones the loop handed over, in a ring
 * of their own, so that the reader takes turns among peers message by message ({@link FairQueue})
 * rather than in the order the loop happened to hand them over. The socket's own messages (XPUB's
 * subscription notices) have a reader without a pipe.
 *
 * <p>A reader is parked while it is out of the fair queue's turns: the reader parks it when it
 * finds its ring empty, and the loop, after publishing into a parked reader's ring, unparks it
 * (one compare-and-set) and hands it to the fair queue, as libzmq's pipes send activate_read.
 */
final class PipeReader {
    /** The most a peer's ring holds: what the loop may hand over ahead of the reader. */
    static final int MAX_CAPACITY = 1024;

    private static final VarHandle PARKED;

    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(PipeReader.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The peer, or null for the socket's own messages. */
    final Pipe pipe;
    final InboundRing ring;
    /** Out of the fair queue's turns; the loop hands it back when it publishes. */
    private volatile boolean parked = true;
    /** Loop: offered into the ring since the last publish. */
    boolean unpublished;
    /** Body bytes in the ring, counted only under a byte bound (RCVHWM bytes). */
    final AtomicLong bytes = new AtomicLong();
    /** Loop, own messages only: those that found the ring full (a pipe keeps its own in its queue). */
    final ArrayDeque<Message> overflow = new ArrayDeque<>();

    PipeReader(Pipe pipe, int receiveHwm) {
        this.pipe = pipe;
        this.ring = new InboundRing(capacityFor(receiveHwm));
    }

    /** A power of two from 2 up to {@link #MAX_CAPACITY}: the RCVHWM rounded up, or the maximum without one. */
    static int capacityFor(int receiveHwm) {
        if (receiveHwm <= 0 || receiveHwm >= MAX_CAPACITY) {
            return MAX_CAPACITY;
        }
        return Math.max(2, Integer.highestOneBit(receiveHwm - 1) << 1);
    }

    /** Reader: out of the turns from now on (its ring was found empty). */
    void park() {
        parked = true;
    }

    boolean isParked() {
        return parked;
    }

    /** Back in the turns; true for the one caller (loop or reader) that brought it back. */
    boolean unpark() {
        return PARKED.compareAndSet(this, true, false);
    }
}
