package io.zmtp.socket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who waits for a socket to become readable or writable (pollers), and waking only those that wait
 * for what happened: a poller waiting for messages is not woken each time the socket's sends are
 * written out.
 */
final class Readiness {
    /** The same values as the poller's POLLIN and POLLOUT. */
    static final int READABLE = 1;
    static final int WRITABLE = 2;

    /** A watcher: the readiness it waits for and whom to wake. */
    private record Watcher(int events, Runnable wake) {
    }

    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();

    void add(int events, Runnable wake) {
        watchers.add(new Watcher(events, wake));
    }

    void remove(int events, Runnable wake) {
        watchers.remove(new Watcher(events, wake));
    }

    /** Loop: the socket may have become {@code became} ({@link #READABLE} or {@link #WRITABLE}). */
    void became(int became) {
        if (!watchers.isEmpty()) {
            for (Watcher w : watchers) {
                if ((w.events() & became) != 0) {
                    w.wake().run();
                }
            }
        }
    }
}
