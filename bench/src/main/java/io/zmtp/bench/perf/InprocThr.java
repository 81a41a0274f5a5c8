package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

import java.io.PrintStream;

/**
 * {@code inproc_thr <message-size> <message-count>}: local_thr and remote_thr in one process.
 * The main thread binds a PULL socket, a worker thread connects a PUSH socket and sends; the
 * clock starts at the first message received.
 *
 * <p>The endpoint is {@code inproc://thr_test} unless {@code -Dzmtp.perf.endpoint} or
 * {@code ZMTP_PERF_ENDPOINT} names another. When an inproc endpoint cannot be bound (the
 * socket library may not offer inproc), the run goes over {@code tcp://127.0.0.1:*} instead
 * and says so in one line on stderr.
 *
 * <p>It receives into one message for the whole run ({@code Socket.receive(Message)}, as libzmq's
 * tools reuse one {@code zmq_msg_t}): over inproc the sender's frames then move into it with no
 * object made on either side, which ran at 9.34M msg/s against 8.99M with a new message per
 * receive (16 B, medians of eight alternating runs, docs/performance-notes.md, session 22).
 */
public final class InprocThr {
    static final String USAGE = "usage: inproc_thr <message-size> <message-count>";
    static final String DEFAULT_ENDPOINT = "inproc://thr_test";

    private InprocThr() {
    }

    public static void main(String[] args) {
        Perf.main("inproc_thr", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does, printing its four lines to {@code out}. */
    public static ThroughputResult run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static ThroughputResult run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 2, USAGE);
        int size = Perf.messageSize(args[0], USAGE);
        long count = Perf.count(args[1], "message-count", USAGE);
        String endpoint = Perf.inprocEndpoint(DEFAULT_ENDPOINT);

        long elapsedNanos;
        try (Session session = new Session(USAGE, control)) {
            Socket pull = session.socket(SocketType.PULL);
            String bound = Perf.bind(pull, endpoint);
            control.bound(bound);

            Worker worker = new Worker("inproc_thr sender", () -> {
                Socket push = session.socket(SocketType.PUSH);
                Perf.connect(push, bound);
                for (long i = 0; i < count; i++) {
                    Perf.send(push, Perf.newMessage(size));
                }
                // Lingers until every message is written out.
                push.close();
            }, pull);
            worker.start();

            Perf.printf(out, "message size: %d [B]%n", size);
            Perf.printf(out, "message count: %d%n", count);
            out.flush();

            try {
                Message into = new Message();
                Perf.receive(pull, into, size);
                long start = System.nanoTime();
                for (long i = 1; i < count; i++) {
                    Perf.receive(pull, into, size);
                }
                into.close();
                elapsedNanos = System.nanoTime() - start;
            } catch (RuntimeException e) {
                throw worker.explain(e);
            }
            worker.join(control.stallMillis());
            session.completed();
            pull.close();
        }

        ThroughputResult r = ThroughputResult.of(size, count, elapsedNanos / 1_000);
        Perf.printf(out, "mean throughput: %d [msg/s]%n", r.throughput());
        Perf.printf(out, "mean throughput: %.3f [Mb/s]%n", r.megabits());
        out.flush();
        return r;
    }
}
