package io.zmtp.bench.jeromq;

import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;

import java.io.PrintStream;

/**
 * libzmq's {@code local_lat <bind-to> <message-size> <roundtrip-count>} on JeroMQ: REP, bind,
 * echo each request back unchanged. Prints nothing.
 */
public final class LocalLat {
    static final String USAGE = "usage: local_lat <bind-to> <message-size> <roundtrip-count>";

    private LocalLat() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; returns the number of round trips served. */
    static long run(String[] argv, PrintStream out, JeroPerf.Control control) {
        JeroPerf.Args a = JeroPerf.Args.parse(argv, USAGE);
        try (JeroPerf.Session session = new JeroPerf.Session()) {
            SocketBase s = session.socket(ZMQ.ZMQ_REP, control);
            JeroPerf.bind(s, a.endpoint(), control);
            for (long i = 0; i < a.count(); i++) {
                Msg m = JeroPerf.receive(s, a.size());
                JeroPerf.send(s, m);
            }
            session.completed();
        }
        out.flush();
        return a.count();
    }
}
