package io.zmtp.bench.jeromq;

import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;

import java.io.PrintStream;

/**
 * libzmq's {@code remote_thr <connect-to> <message-size> <message-count>} on JeroMQ: PUSH,
 * connect, send every message, close with an unbounded linger so all of them are delivered.
 * Prints nothing. With {@code ZMTP_PERF_CURVE=1} the PUSH socket is a CURVE client of local_thr,
 * with the benchmark's fixed keys ({@link io.zmtp.bench.BenchCurve}).
 */
public final class RemoteThr {
    static final String USAGE = "usage: remote_thr <connect-to> <message-size> <message-count>";

    private RemoteThr() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; returns the number of messages sent. */
    static long run(String[] argv, PrintStream out, JeroPerf.Control control) {
        JeroPerf.Args a = JeroPerf.Args.parse(argv, USAGE);
        boolean curve = JeroPerf.curve(USAGE);
        try (JeroPerf.Session session = new JeroPerf.Session()) {
            SocketBase s = session.socket(ZMQ.ZMQ_PUSH, control);
            if (curve) {
                JeroPerf.curveClient(s);
            }
            JeroPerf.connect(s, a.endpoint());
            for (long i = 0; i < a.count(); i++) {
                JeroPerf.send(s, new Msg(a.size()));
            }
            // Closing the session lingers (ZMQ_LINGER) until the queue is written out.
            session.completed();
        }
        out.flush();
        return a.count();
    }
}
