package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

import java.io.PrintStream;

/**
 * {@code local_thr <bind-to> <message-size> <message-count>}: binds a PULL socket, receives the
 * messages remote_thr sends and prints the throughput. As in libzmq the clock starts when the
 * first message has arrived, and the count is divided by the time the rest took.
 *
 * <p>With {@code ZMTP_PERF_CURVE=1} (or {@code -Dzmtp.perf.curve=1}) the PULL socket is a CURVE
 * server with the benchmark's fixed keys ({@link io.zmtp.bench.BenchCurve}), so the same pair
 * measures the cost of encryption.
 *
 * <p>It takes a new message per receive ({@code Socket.receive()}), not one message received into
 * again and again as libzmq's tool does: over tcp on the project's machine the reuse that makes
 * {@code receive(Message)} allocation-free cost more than the allocation it saves (16 B: 4.46M
 * against 5.15M msg/s, medians of eight alternating runs; docs/performance-notes.md, session 22).
 */
public final class LocalThr {
    static final String USAGE = "usage: local_thr <bind-to> <message-size> <message-count>";

    private LocalThr() {
    }

    public static void main(String[] args) {
        Perf.main("local_thr", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does, printing its four lines to {@code out}. */
    public static ThroughputResult run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static ThroughputResult run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 3, USAGE);
        String bindTo = args[0];
        int size = Perf.messageSize(args[1], USAGE);
        long count = Perf.count(args[2], "message-count", USAGE);
        boolean curve = Perf.curve(USAGE);

        long elapsedNanos;
        try (Session session = new Session(USAGE, control)) {
            Socket pull = session.socket(SocketType.PULL);
            if (curve) {
                Perf.curveServer(pull);
            }
            control.bound(Perf.bind(pull, bindTo));

            Perf.receive(pull, size).close();
            long start = System.nanoTime();
            for (long i = 1; i < count; i++) {
                Message m = Perf.receive(pull, size);
                m.close();
            }
            elapsedNanos = System.nanoTime() - start;
            session.completed();
            pull.close();
        }

        ThroughputResult r = ThroughputResult.of(size, count, elapsedNanos / 1_000);
        Perf.printf(out, "message size: %d [B]%n", r.messageSize());
        Perf.printf(out, "message count: %d%n", r.messageCount());
        Perf.printf(out, "mean throughput: %d [msg/s]%n", r.throughput());
        Perf.printf(out, "mean throughput: %.3f [Mb/s]%n", r.megabits());
        out.flush();
        return r;
    }
}
