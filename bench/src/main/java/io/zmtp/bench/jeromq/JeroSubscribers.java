package io.zmtp.bench.jeromq;

import zmq.Ctx;
import zmq.SocketBase;
import zmq.ZMQ;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SUB sockets of one JeroMQ sub_thr run: one context (one I/O thread) and a thread per
 * socket, each owning its socket and timing it from its first message to its last. When one
 * fails it terminates the context, which makes the others' blocking receives return (ETERM) so
 * they close their sockets; the first failure is the one reported.
 */
final class JeroSubscribers {
    private final String endpoint;
    private final int size;
    private final long count;
    private final int filters;
    private final JeroPerf.Control control;
    private final Ctx ctx = ZMQ.createContext();
    private final AtomicBoolean terminated = new AtomicBoolean();
    private final AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();

    JeroSubscribers(String endpoint, int size, long count, int filters, JeroPerf.Control control) {
        this.endpoint = endpoint;
        this.size = size;
        this.count = count;
        this.filters = filters;
        this.control = control;
    }

    /** Runs {@code n} subscribers and waits for them; returns each one's elapsed microseconds. */
    long[] run(int n) {
        long[] elapsedMicros = new long[n];
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int index = i;
            threads[i] = new Thread(() -> subscriber(index, elapsedMicros), "jeromq sub_thr subscriber " + (i + 1));
            threads[i].setDaemon(true);
            threads[i].start();
        }
        try {
            for (Thread t : threads) {
                join(t);
            }
        } finally {
            terminate();
        }
        RuntimeException failure = firstFailure.get();
        if (failure != null) {
            throw failure;
        }
        return elapsedMicros;
    }

    private void subscriber(int index, long[] elapsedMicros) {
        RuntimeException failure = null;
        SocketBase s = ZMQ.socket(ctx, ZMQ.ZMQ_SUB);
        if (s == null) {
            failure = new JeroPerf.Failure("error in zmq_socket: " + ZMQ.strerror(ctx.errno().get()));
        } else {
            try {
                if (control.timeoutMillis() >= 0) {
                    JeroPerf.setOption(s, ZMQ.ZMQ_RCVTIMEO, control.timeoutMillis(), "ZMQ_RCVTIMEO");
                }
                for (byte[] topic : io.zmtp.bench.perf.SubscriptionFilters.topics(filters)) {
                    JeroPerf.setOption(s, ZMQ.ZMQ_SUBSCRIBE, topic, "ZMQ_SUBSCRIBE");
                }
                JeroPerf.connect(s, endpoint);
                elapsedMicros[index] = receiveAll(s);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                // Closed before any terminate, which waits for every socket of the context.
                ZMQ.closeZeroLinger(s);
            }
        }
        if (failure != null && firstFailure.compareAndSet(null, failure)) {
            terminate();
        }
    }

    private long receiveAll(SocketBase s) {
        JeroPerf.receive(s, size);
        long start = System.nanoTime();
        for (long i = 1; i < count; i++) {
            JeroPerf.receive(s, size);
        }
        return Math.max(1, (System.nanoTime() - start) / 1_000);
    }

    private void terminate() {
        if (terminated.compareAndSet(false, true)) {
            ZMQ.term(ctx);
        }
    }

    /** Waits for a subscriber; its receives give up at RCVTIMEO (the control's timeout), which ends it. */
    private void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            firstFailure.compareAndSet(null, new JeroPerf.Failure("interrupted while waiting for " + t.getName()));
        }
    }
}
