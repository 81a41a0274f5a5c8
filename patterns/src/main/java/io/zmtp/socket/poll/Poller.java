package io.zmtp.socket.poll;

import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketAccess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code zmq_poll} for these sockets: register sockets with the events of interest, then
 * {@link #poll(Duration)} waits until at least one is ready or the time is up. Sockets tell the
 * poller when a message arrives or room frees up, so waiting costs nothing while idle. One thread
 * polls at a time; close the poller to unregister from its sockets.
 */
public final class Poller implements AutoCloseable {
    public static final int POLLIN = 1;
    public static final int POLLOUT = 2;

    private record Item(Socket socket, int events) {
    }

    private final List<Item> items = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Runnable wake = this::wake;
    private volatile boolean dirty;
    /** Set while poll() may park: only then does a wake need the lock and a signal. */
    private volatile boolean waiting;
    private int[] ready = new int[0];

    /** Registers {@code socket} for {@link #POLLIN} and/or {@link #POLLOUT}; returns its index. */
    public int register(Socket socket, int events) {
        if ((events & (POLLIN | POLLOUT)) == 0 || (events & ~(POLLIN | POLLOUT)) != 0) {
            throw new IllegalArgumentException("events must be POLLIN, POLLOUT or both: " + events);
        }
        items.add(new Item(socket, events));
        ready = new int[items.size()];
        SocketAccess.addReadinessWatcher(socket, events, wake);
        return items.size() - 1;
    }

    /** Called by a socket (on its loop) when it became readable or writable. */
    private void wake() {
        dirty = true;
        // The poller sets waiting before it re-checks dirty under the lock; of the two volatile
        // writes one side sees the other's, so a wake is never lost, and a busy poller costs nothing.
        if (!waiting) {
            return;
        }
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} (negative: for ever, zero: just check) until a registered socket
     * is ready; returns how many are.
     */
    public int poll(Duration timeout) throws InterruptedException {
        long deadline = timeout.isNegative() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            dirty = false;
            int n = check();
            if (n > 0) {
                return n;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            waiting = true;
            lock.lock();
            try {
                if (!dirty) {
                    // Woken by the sockets (see wake); the bound is only a backstop, long enough that
                    // a thousand idle pollers in one process cost little (at 100 ms they woke
                    // 10,000 times a second between them).
                    changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                }
            } finally {
                lock.unlock();
                waiting = false;
            }
        }
    }

    private int check() {
        int n = 0;
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            int r = 0;
            if ((item.events & POLLIN) != 0 && item.socket.isReadable()) {
                r |= POLLIN;
            }
            if ((item.events & POLLOUT) != 0 && item.socket.isWritable()) {
                r |= POLLOUT;
            }
            ready[i] = r;
            if (r != 0) {
                n++;
            }
        }
        return n;
    }

    /** After {@link #poll}: did socket {@code index} have a message ready? */
    public boolean pollin(int index) {
        return (ready[index] & POLLIN) != 0;
    }

    /** After {@link #poll}: could socket {@code index} take a message without waiting? */
    public boolean pollout(int index) {
        return (ready[index] & POLLOUT) != 0;
    }

    public int size() {
        return items.size();
    }

    @Override
    public void close() {
        for (Item item : items) {
            SocketAccess.removeReadinessWatcher(item.socket, item.events, wake);
        }
        items.clear();
    }
}
