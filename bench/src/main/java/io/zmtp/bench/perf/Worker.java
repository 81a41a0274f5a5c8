package io.zmtp.bench.perf;

import io.zmtp.socket.Socket;

/**
 * The second thread of inproc_thr and inproc_lat. When it fails it records why and closes the
 * main thread's socket, which wakes the main thread out of a blocking receive; the main thread
 * then reports the worker's failure rather than its own.
 */
final class Worker {
    private final Thread thread;
    private volatile Throwable failure;

    Worker(String name, Runnable body, Socket wakeOnFailure) {
        this.thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure = t;
                wakeOnFailure.options().linger(0);
                wakeOnFailure.close();
            }
        }, name);
        // Never keeps the JVM up on its own: main has the last word on how the run ends.
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * The worker's failure when it is why the main thread failed (it closed the main thread's
     * socket after recording it), else {@code mainFailure}.
     */
    RuntimeException explain(RuntimeException mainFailure) {
        Throwable t = failure;
        return t == null ? mainFailure : asPerfException(t);
    }

    /** Waits for the worker (up to {@code stallMillis}; -1: for ever) and rethrows its failure. */
    void join(long stallMillis) {
        try {
            if (stallMillis < 0) {
                thread.join();
            } else {
                thread.join(Math.max(1, stallMillis));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PerfException("interrupted while waiting for " + thread.getName(), e);
        }
        if (thread.isAlive()) {
            throw new PerfException(thread.getName() + " did not finish within " + stallMillis + " ms");
        }
        Throwable t = failure;
        if (t != null) {
            throw asPerfException(t);
        }
    }

    private PerfException asPerfException(Throwable t) {
        if (t instanceof PerfException p) {
            return new PerfException(thread.getName() + ": " + p.getMessage(), p);
        }
        return new PerfException(thread.getName() + ": " + t, t);
    }
}
