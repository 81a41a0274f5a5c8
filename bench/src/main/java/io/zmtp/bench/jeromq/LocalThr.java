package io.zmtp.bench.jeromq;

import zmq.SocketBase;
import zmq.ZMQ;

import java.io.PrintStream;

/**
 * libzmq's {@code local_thr <bind-to> <message-size> <message-count>} on JeroMQ: PULL, bind; the
 * clock starts at the first message and the count is divided by the time until the last one.
 * Prints libzmq's four lines.
 */
public final class LocalThr {
    static final String USAGE = "usage: local_thr <bind-to> <message-size> <message-count>";

    private LocalThr() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; returns the throughput in messages per second. */
    static long run(String[] argv, PrintStream out, JeroPerf.Control control) {
        JeroPerf.Args a = JeroPerf.Args.parse(argv, USAGE);
        try (JeroPerf.Session session = new JeroPerf.Session()) {
            SocketBase s = session.socket(ZMQ.ZMQ_PULL, control);
            JeroPerf.bind(s, a.endpoint(), control);

            JeroPerf.receive(s, a.size());
            long start = System.nanoTime();
            for (long i = 1; i < a.count(); i++) {
                JeroPerf.receive(s, a.size());
            }
            long elapsedMicros = Math.max(1, (System.nanoTime() - start) / 1_000);
            session.completed();

            long throughput = (long) ((double) a.count() / (double) elapsedMicros * 1_000_000d);
            double megabits = (double) throughput * a.size() * 8 / 1_000_000d;
            JeroPerf.printf(out, "message size: %d [B]%n", a.size());
            JeroPerf.printf(out, "message count: %d%n", a.count());
            JeroPerf.printf(out, "mean throughput: %d [msg/s]%n", throughput);
            JeroPerf.printf(out, "mean throughput: %.3f [Mb/s]%n", megabits);
            out.flush();
            return throughput;
        }
    }
}
