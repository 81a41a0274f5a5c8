package io.zmtp.bench.jeromq;

import zmq.SocketBase;
import zmq.ZMQ;

import java.io.PrintStream;

/**
 * libzmq's {@code local_thr <bind-to> <message-size> <message-count>} on JeroMQ: PULL, bind; the
 * clock starts at the first message and the count is divided by the time until the last one.
 * Prints libzmq's four lines. With {@code ZMTP_PERF_CURVE=1} the PULL socket is a CURVE server
 * with the benchmark's fixed keys ({@link io.zmtp.bench.BenchCurve}).
 *
 * <p>Under CURVE the PULL socket has no RCVHWM (0): JeroMQ 0.6.0 hands the application a
 * still-encrypted MESSAGE command (49 bytes for a 16-byte message) each time its pipe has reached
 * RCVHWM and reading resumes (zeromq/jeromq#1009, open), so with the default HWM a fast sender
 * makes every 16-byte CURVE run fail with "message of incorrect size received".
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
        boolean curve = JeroPerf.curve(USAGE);
        try (JeroPerf.Session session = new JeroPerf.Session()) {
            SocketBase s = session.socket(ZMQ.ZMQ_PULL, control);
            if (curve) {
                JeroPerf.curveServer(s);
                JeroPerf.setOption(s, ZMQ.ZMQ_RCVHWM, 0, "ZMQ_RCVHWM");
            }
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
