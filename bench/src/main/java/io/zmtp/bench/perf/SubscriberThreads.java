package io.zmtp.bench.perf;

import io.zmtp.socket.Socket;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SUB sockets of one sub_thr run, each drained by a thread of its own, as separate
 * subscribers would be; each thread times its socket from its first message to its last, as
 * local_thr does. When one thread fails it closes every socket, which wakes the others out of
 * their receive, and the first failure is the one reported.
 */
final class SubscriberThreads {
    private final List<Socket> sockets;
    private final int size;
    private final long count;
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    SubscriberThreads(List<Socket> sockets, int size, long count) {
        this.sockets = List.copyOf(sockets);
        this.size = size;
        this.count = count;
    }

    /**
     * Runs every subscriber and waits for all of them; returns each one's nanoseconds from its
     * first message to its last. The wait has no bound of its own: each receive gives up at the
     * socket's RCVTIMEO (the run's stall timeout; none on the command line, as in libzmq's
     * tools), and that ends its thread.
     */
    long[] run() {
        long[] elapsedNanos = new long[sockets.size()];
        Thread[] threads = new Thread[sockets.size()];
        for (int i = 0; i < threads.length; i++) {
            int index = i;
            threads[i] = new Thread(() -> {
                try {
                    elapsedNanos[index] = receiveAll(sockets.get(index));
                } catch (Throwable t) {
                    fail(t);
                }
            }, "sub_thr subscriber " + (i + 1));
            // Never keeps the JVM up on its own: the main thread has the last word.
            threads[i].setDaemon(true);
            threads[i].start();
        }
        for (Thread t : threads) {
            join(t);
        }
        Throwable t = firstFailure.get();
        if (t != null) {
            throw t instanceof PerfException p ? p : new PerfException("sub_thr: " + t, t);
        }
        // Thread.join made the threads' writes to elapsedNanos visible here.
        return elapsedNanos;
    }

    private long receiveAll(Socket socket) {
        Perf.receive(socket, size).close();
        long start = System.nanoTime();
        for (long i = 1; i < count; i++) {
            Perf.receive(socket, size).close();
        }
        return System.nanoTime() - start;
    }

    private void fail(Throwable t) {
        if (firstFailure.compareAndSet(null, t)) {
            for (Socket s : sockets) {
                s.options().linger(0);
                s.close();
            }
        }
    }

    private void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new PerfException("interrupted while waiting for " + t.getName(), e));
        }
    }
}
