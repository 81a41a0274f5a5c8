package io.zmtp.socket;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Who may run an event loop's socket work now. The loop holds its permit whenever it is awake and
 * gives it up only just before it may block waiting for I/O; an application thread that finds it
 * free ({@link #tryBorrow}) may do a send's routing and write itself while the loop sleeps, instead
 * of waking the loop (on a machine where a wake-up costs tens of microseconds, two of a request's
 * six). A loop that wakes while a send is borrowed waits for it: a borrow lasts one routing and one
 * non-blocking write.
 *
 * <p>The loop takes the permit back lazily: after its I/O handler returns (so every task runs with
 * it), and at every point where I/O processing enters socket code (the first handler of each
 * connection, connect listeners; see {@link #hold}). Borrowers only ever try: nobody blocks on a
 * permit while holding another.
 */
public final class LoopPermit {
    private final ReentrantLock lock = new ReentrantLock();

    /** Loop thread: makes sure it holds the permit, waiting for a borrowed send to finish. */
    public void hold() {
        if (!lock.isHeldByCurrentThread()) {
            lock.lock();
        }
    }

    /** Loop thread, about to block for I/O: borrowers may come. */
    void release() {
        if (lock.isHeldByCurrentThread()) {
            lock.unlock();
        }
    }


    /** Another thread: true when the loop sleeps and this thread now holds the permit. */
    boolean tryBorrow() {
        return lock.tryLock();
    }

    /** Gives a borrowed permit back. */
    void giveBack() {
        lock.unlock();
    }
}
