package io.zmtp.bench.jeromq;

import io.zmtp.bench.BenchCurve;
import io.zmtp.bench.HandshakeBench;
import io.zmtp.bench.HandshakeBench.ClientResult;
import zmq.Ctx;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZError;
import zmq.ZMQ;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code curve_hs_client <connect-to> <handshake-count> [<parallel>]} on JeroMQ, the twin of
 * {@link io.zmtp.bench.perf.CurveHsClient} and of {@code zmq_perf curve_hs_client}: {@code parallel}
 * threads on one context (one I/O thread), each opening a fresh DEALER (CURVE client with the
 * benchmark's fixed keys, LINGER 0) per connection, sending {@link HandshakeBench#REQUEST}, waiting
 * for it to come back and closing, until {@code handshake-count} connections were made in all.
 * Prints {@link HandshakeBench.ClientResult}'s lines. Without a timeout (the command line) a
 * connection waits for its answer for ever, as libzmq's tools do.
 */
public final class CurveHsClient {
    static final String USAGE = "usage: curve_hs_client <connect-to> <handshake-count> [<parallel>]";

    private CurveHsClient() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; a control with a timeout bounds each connection's wait for its answer. */
    static ClientResult run(String[] argv, PrintStream out, JeroPerf.Control control) {
        if (argv == null || argv.length < 2 || argv.length > 3) {
            throw new JeroPerf.Usage(USAGE);
        }
        long count = JeroPerf.positive(argv[1], USAGE);
        int parallel = HandshakeBench.DEFAULT_PARALLEL;
        if (argv.length == 3) {
            long p = JeroPerf.positive(argv[2], USAGE);
            if (p > HandshakeBench.MAX_PARALLEL) {
                throw new JeroPerf.Usage(USAGE);
            }
            parallel = (int) p;
        }
        int threads = (int) Math.min(parallel, count);
        String endpoint = argv[0];

        AtomicLong next = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        Ctx ctx = ZMQ.createContext();
        long elapsed;
        try {
            List<Thread> workers = new ArrayList<>(threads);
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try {
                        while (failure.get() == null && next.getAndIncrement() < count) {
                            connection(ctx, endpoint, control.timeoutMillis(), failure);
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e.getMessage() == null ? e.toString() : e.getMessage());
                    }
                }, "hs-client-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JeroPerf.Failure("interrupted");
                }
            }
            elapsed = System.nanoTime() - start;
        } finally {
            ZMQ.term(ctx);
        }
        if (failure.get() != null) {
            throw new JeroPerf.Failure(failure.get());
        }
        ClientResult r = new ClientResult(count, parallel, elapsed);
        r.print(out);
        return r;
    }

    /** One connection: a fresh DEALER, connect, one request, its answer, close. */
    private static void connection(Ctx ctx, String endpoint, int timeoutMillis, AtomicReference<String> failure) {
        SocketBase s = ZMQ.socket(ctx, ZMQ.ZMQ_DEALER);
        if (s == null) {
            throw new JeroPerf.Failure("error in zmq_socket: " + ZMQ.strerror(ctx.errno().get()));
        }
        try {
            JeroPerf.setOption(s, ZMQ.ZMQ_LINGER, 0, "ZMQ_LINGER");
            JeroPerf.setOption(s, ZMQ.ZMQ_RCVTIMEO, HandshakeBench.RECEIVE_SLICE_MILLIS, "ZMQ_RCVTIMEO");
            JeroPerf.curveClient(s);
            JeroPerf.connect(s, endpoint);
            JeroPerf.send(s, new Msg(HandshakeBench.REQUEST));
            long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                Msg reply = ZMQ.recv(s, 0);
                if (reply != null) {
                    if (reply.hasMore() || !Arrays.equals(reply.data(), HandshakeBench.REQUEST)) {
                        throw new JeroPerf.Failure("unexpected reply received");
                    }
                    return;
                }
                if (s.errno() != ZError.EAGAIN) {
                    throw new JeroPerf.Failure("error in zmq_recvmsg: " + ZMQ.strerror(s.errno()));
                }
                if (failure.get() != null) {
                    return; // another connection failed: the run is over
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new JeroPerf.Failure("error in zmq_recvmsg: no answer within " + timeoutMillis
                            + " ms (was the handshake refused?)");
                }
            }
        } finally {
            ZMQ.close(s);
        }
    }
}
