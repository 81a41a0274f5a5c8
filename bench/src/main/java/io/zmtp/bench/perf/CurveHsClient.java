package io.zmtp.bench.perf;

import io.zmtp.bench.BenchCurve;
import io.zmtp.bench.HandshakeBench;
import io.zmtp.bench.HandshakeBench.ClientResult;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code curve_hs_client <connect-to> <handshake-count> [<parallel>]}: the client of the CURVE
 * handshake benchmark. Opens {@code handshake-count} connections in all, at most {@code parallel}
 * (default {@value HandshakeBench#DEFAULT_PARALLEL}) at a time: each is a fresh DEALER socket, a
 * CURVE client with the benchmark's fixed keys ({@link io.zmtp.bench.BenchCurve}), that connects,
 * sends {@link HandshakeBench#REQUEST}, waits for curve_hs_server to send it back (so the
 * handshake, the server's ZAP decision included, is complete) and closes. Prints the handshakes
 * per second over the whole run, from before the first socket to after the last close.
 *
 * <p>{@code parallel} threads each run one connection after the other, on one context with one
 * I/O thread ({@code zmq_init (1)}), as the C peer and the JeroMQ twin do. Without a stall timeout
 * (the command line) a connection waits for its answer for ever, as libzmq's tools do; a client
 * whose key the server refuses therefore never ends (compare.sh's timeout ends it).
 */
public final class CurveHsClient {
    static final String USAGE = "usage: curve_hs_client <connect-to> <handshake-count> [<parallel>]";

    private CurveHsClient() {
    }

    public static void main(String[] args) {
        Perf.main("curve_hs_client", () -> run(args, System.out, RunControl.DEFAULT));
    }

    /** Runs the tool as the command line does, with the benchmark client's keys. */
    public static ClientResult run(String[] args, PrintStream out, RunControl control) {
        return run(args, out, control, CurveKeyPair.fromZ85(BenchCurve.CLIENT_PUBLIC, BenchCurve.CLIENT_SECRET));
    }

    /** Runs the tool with the client key pair {@code keys} (tests: one the server does not admit). */
    public static ClientResult run(String[] args, PrintStream out, RunControl control, CurveKeyPair keys) {
        if (args == null || args.length < 2 || args.length > 3) {
            throw new UsageException(USAGE, null);
        }
        String connectTo = args[0];
        long count = Perf.count(args[1], "handshake-count", USAGE);
        int parallel = args.length == 3 ? parallel(args[2]) : HandshakeBench.DEFAULT_PARALLEL;
        int threads = (int) Math.min(parallel, count);

        AtomicLong next = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long elapsed;
        try (ZmtpContext context = new ZmtpContext(1, Perf.ioBackend(USAGE))) {
            Connection connection = new Connection(context, connectTo, keys, control.stallMillis(), failure);
            List<Thread> workers = new ArrayList<>(threads);
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try {
                        while (failure.get() == null && next.getAndIncrement() < count) {
                            connection.once();
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }, "hs-client-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                join(w);
            }
            elapsed = System.nanoTime() - start;
        }
        if (failure.get() != null) {
            RuntimeException e = failure.get();
            throw e instanceof PerfException ? e : new PerfException("error in a connection: " + e, e);
        }
        ClientResult r = new ClientResult(count, parallel, elapsed);
        r.print(out);
        return r;
    }

    /** The parallel argument: 1 to {@link HandshakeBench#MAX_PARALLEL}. */
    static int parallel(String text) {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(USAGE, "parallel must be a whole number, got '" + text + "'");
        }
        if (v < 1 || v > HandshakeBench.MAX_PARALLEL) {
            throw new UsageException(USAGE, "parallel must be between 1 and " + HandshakeBench.MAX_PARALLEL + ", got '" + text + "'");
        }
        return (int) v;
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PerfException("interrupted", e);
        }
    }

    /** One connection's life, repeated by every worker thread. */
    private record Connection(ZmtpContext context, String endpoint, CurveKeyPair keys, long stallMillis,
                              AtomicReference<RuntimeException> failure) {
        void once() {
            try (Socket dealer = context.socket(SocketType.DEALER)) {
                dealer.options().linger(0).curveServerKey(BenchCurve.SERVER_PUBLIC)
                        .curvePublicKey(keys.publicKey()).curveSecretKey(keys.secretKey());
                Perf.connect(dealer, endpoint);
                Perf.send(dealer, new Message().add(HandshakeBench.REQUEST));
                await(dealer);
            }
        }

        /** Waits for the answer, in slices, until it comes, the run stops, or the stall timeout passes. */
        private void await(Socket dealer) {
            Duration slice = Duration.ofMillis(HandshakeBench.RECEIVE_SLICE_MILLIS);
            long deadline = stallMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + stallMillis * 1_000_000L;
            while (true) {
                Message reply = dealer.receive(slice);
                if (reply != null) {
                    try (reply) {
                        if (reply.size() != 1 || !Arrays.equals(reply.bytes(0), HandshakeBench.REQUEST)) {
                            throw new PerfException("unexpected reply received");
                        }
                    }
                    return;
                }
                if (failure.get() != null) {
                    // Another connection failed: the run is over; this one gives up quietly.
                    throw failure.get();
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new PerfException("error in receive: no answer within " + stallMillis
                            + " ms (was the handshake refused?)");
                }
            }
        }
    }
}
