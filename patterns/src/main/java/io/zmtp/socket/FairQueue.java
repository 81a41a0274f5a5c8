package io.zmtp.socket;

import io.netty.util.internal.PlatformDependent;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Inbound fair queuing (libzmq's fq), on the reader's side: whole messages are taken from the peers
 * with messages waiting, one message from each in turn, so a busy peer cannot get ahead of a quiet
 * one by more than a message, however much the loop had already handed over for it. The turns
 * hold the readers that may have messages; a reader whose ring is empty leaves them (parks), and
 * the loop sends it back through {@link #activate} when it publishes into it. Everything but
 * {@code activate} runs under the socket's take lock.
 */
final class FairQueue {
    private final ArrayDeque<PipeReader> turns = new ArrayDeque<>();
    /** Readers the loop unparked; they join the turns at the reader's next look. */
    private final Queue<PipeReader> activations = PlatformDependent.newMpscQueue();

    /** Loop: {@code r}, parked, got messages; it joins the turns. */
    void activate(PipeReader r) {
        activations.add(r);
    }

    /** The next message in turn, or null when no reader has one. */
    Message next() {
        absorbActivations();
        while (true) {
            PipeReader r = turns.peekFirst();
            if (r == null) {
                if (!absorbActivations()) {
                    return null;
                }
                continue;
            }
            Message m = (Message) r.ring.poll();
            if (m != null) {
                if (turns.size() > 1) {
                    turns.pollFirst();
                    turns.addLast(r);
                }
                return m;
            }
            r.park();
            // A message published between the empty poll and the park is not lost: either this
            // sees it and takes the reader back, or the loop saw the park and activates it.
            if (r.ring.hasPublished() && r.unpark()) {
                continue;
            }
            turns.pollFirst();
        }
    }

    /** True when some reader has a message published (absorbing activations first). */
    boolean anyReady() {
        absorbActivations();
        for (PipeReader r : turns) {
            if (r.ring.hasPublished()) {
                return true;
            }
        }
        return false;
    }

    /** Every reader in the turns or on its way there (closing). */
    void forEach(Consumer<PipeReader> action) {
        absorbActivations();
        turns.forEach(action);
    }

    private boolean absorbActivations() {
        PipeReader a;
        boolean any = false;
        while ((a = activations.poll()) != null) {
            turns.addLast(a);
            any = true;
        }
        return any;
    }
}
