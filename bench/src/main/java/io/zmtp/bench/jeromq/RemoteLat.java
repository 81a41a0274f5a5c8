package io.zmtp.bench.jeromq;

import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;

import java.io.PrintStream;

/**
 * libzmq's {@code remote_lat <connect-to> <message-size> <roundtrip-count>} on JeroMQ: REQ,
 * connect, one round trip after the other; prints the elapsed time over twice the round trips
 * (libzmq's one-way latency) in libzmq's three lines. The clock starts before the first send.
 */
public final class RemoteLat {
    static final String USAGE = "usage: remote_lat <connect-to> <message-size> <roundtrip-count>";

    private RemoteLat() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; returns the average one-way latency in microseconds. */
    static double run(String[] argv, PrintStream out, JeroPerf.Control control) {
        JeroPerf.Args a = JeroPerf.Args.parse(argv, USAGE);
        try (JeroPerf.Session session = new JeroPerf.Session()) {
            SocketBase s = session.socket(ZMQ.ZMQ_REQ, control);
            JeroPerf.connect(s, a.endpoint());
            Msg m = new Msg(a.size());
            long start = System.nanoTime();
            for (long i = 0; i < a.count(); i++) {
                JeroPerf.send(s, m);
                // The reply is the next request.
                m = JeroPerf.receive(s, a.size());
            }
            double elapsedMicros = (System.nanoTime() - start) / 1_000d;
            session.completed();

            double latency = elapsedMicros / (a.count() * 2d);
            JeroPerf.printf(out, "message size: %d [B]%n", a.size());
            JeroPerf.printf(out, "roundtrip count: %d%n", a.count());
            JeroPerf.printf(out, "average latency: %.3f [us]%n", latency);
            out.flush();
            return latency;
        }
    }
}
