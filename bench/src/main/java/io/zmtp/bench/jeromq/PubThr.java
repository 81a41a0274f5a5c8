package io.zmtp.bench.jeromq;

import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;

import java.io.PrintStream;

/**
 * Our {@code pub_thr <bind-to> <message-size> <message-count> <subscribers>} on JeroMQ: XPUB with
 * XPUB_VERBOSE, XPUB_NODROP and SNDHWM 100000 (it waits at the mark instead of dropping), bind, wait for one subscription message ({@code 0x01
 * topic}) per expected subscriber, send every message, close with an unbounded linger. The same
 * start signal as {@code io.zmtp.bench.perf.PubThr}, so any sub_thr can face it. Prints nothing.
 */
public final class PubThr {
    static final String USAGE = "usage: pub_thr <bind-to> <message-size> <message-count> <subscribers>";

    private PubThr() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; returns the number of messages sent. */
    static long run(String[] argv, PrintStream out, JeroPerf.Control control) {
        if (argv == null || argv.length != 4) {
            throw new JeroPerf.Usage(USAGE);
        }
        JeroPerf.Args a = JeroPerf.Args.parse(new String[] {argv[0], argv[1], argv[2]}, USAGE);
        int subscribers = JeroPerf.subscribers(argv[3], USAGE);
        try (JeroPerf.Session session = new JeroPerf.Session()) {
            SocketBase s = session.socket(ZMQ.ZMQ_XPUB, control);
            JeroPerf.setOption(s, ZMQ.ZMQ_SNDHWM, io.zmtp.bench.perf.PubThr.SNDHWM, "ZMQ_SNDHWM");
            JeroPerf.setOption(s, ZMQ.ZMQ_XPUB_NODROP, true, "ZMQ_XPUB_NODROP");
            JeroPerf.setOption(s, ZMQ.ZMQ_XPUB_VERBOSE, true, "ZMQ_XPUB_VERBOSE");
            JeroPerf.bind(s, a.endpoint(), control);
            awaitSubscriptions(s, subscribers);
            for (long i = 0; i < a.count(); i++) {
                JeroPerf.send(s, new Msg(a.size()));
            }
            // Closing the session lingers (ZMQ_LINGER) until every subscriber's queue is written out.
            session.completed();
        }
        out.flush();
        return a.count();
    }

    /** Counts subscription messages until every subscriber is in; anything else is ignored. */
    private static void awaitSubscriptions(SocketBase s, int subscribers) {
        int seen = 0;
        while (seen < subscribers) {
            Msg m = ZMQ.recv(s, 0);
            if (m == null) {
                throw new JeroPerf.Failure("error in zmq_recvmsg: " + ZMQ.strerror(s.errno())
                        + " (" + seen + " of " + subscribers + " subscribers subscribed)");
            }
            byte[] data = m.data();
            if (data.length >= 1 && data[0] == 1
                    && io.zmtp.bench.perf.SubscriptionFilters.isMatching(data, 1, data.length - 1)) {
                seen++;
            }
        }
    }
}
