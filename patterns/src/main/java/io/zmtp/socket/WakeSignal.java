package io.zmtp.socket;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hand-shake behind {@link NioWakeup}'s pipe: whether the loop may be asleep, and whether a
 * wake-up byte is on its way to it. The rule it keeps: while {@link #isSignalled()} is true, a byte
 * is in the pipe (or being written) that the loop has not yet read, or the loop is awake and about
 * to clear the flag. A flag left true with no byte behind it would stop every later sender from
 * writing one, and the loop would then see a task only when it woke for something else (Netty's
 * NIO loop times out its select once a second).
 *
 * <p>That is why {@link #consumed} reads the pipe before it clears the flag. Clearing first let a
 * sender that had seen the loop asleep claim the flag again and write its byte just before the read,
 * which took that byte too: the flag stayed set with nothing in the pipe. Found by a throughput run
 * (1 KiB, ours to libzmq, NIO, 4.5M messages) that fell to 1,000 messages a second, SNDHWM per
 * select time-out: 1 run in 32 on an idle 2-core machine, 4 in about 51 with a CPU hog beside it.
 */
final class WakeSignal {
    /** The loop is in, or about to enter, a blocking select. */
    private volatile boolean sleeping;
    /** A byte is written (or being written) and the loop has not read it yet. */
    private final AtomicBoolean signalled = new AtomicBoolean();

    /** Loop: about to block in select (it looks at its task queue once more after this). */
    void sleep() {
        sleeping = true;
    }

    /** Loop: awake (it has tasks, or is running them). */
    void awake() {
        sleeping = false;
    }

    /** Sender, after queueing its task: true when the loop may be asleep. */
    boolean isSleeping() {
        return sleeping;
    }

    /**
     * Sender that saw the loop asleep: true when this sender must write the byte (no other byte is
     * on its way). The read first keeps senders from fighting over the flag while one is set.
     */
    boolean claim() {
        return !signalled.get() && signalled.compareAndSet(false, true);
    }

    /** Sender whose byte could not be written: gives the claim back. */
    void unclaim() {
        signalled.set(false);
    }

    /**
     * Loop, its pipe readable: marks it awake, runs {@code readBytes} (which takes what is in the
     * pipe), then lets senders claim again. A claim made while {@code readBytes} runs fails (the
     * flag is still set), and its task is seen because the loop is awake; a claim made after it
     * writes a byte that this read cannot take.
     */
    void consumed(Runnable readBytes) {
        sleeping = false;
        readBytes.run();
        signalled.set(false);
    }

    /** True while a byte is on its way (tests). */
    boolean isSignalled() {
        return signalled.get();
    }
}
