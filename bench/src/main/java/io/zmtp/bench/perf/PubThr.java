package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Socket;

import java.io.PrintStream;

/**
 * {@code pub_thr <bind-to> <message-size> <message-count> <subscribers>}: the publishing side of
 * the PUB/SUB throughput pair (libzmq has no such tool; this one follows remote_thr's shape).
 * Binds an XPUB, waits until {@code subscribers} SUB sockets have subscribed
 * ({@link SubscriptionGate}), sends the messages as fast as it can, then closes with an
 * unbounded LINGER so every subscriber gets all of them. Prints nothing; sub_thr measures.
 *
 * <p>A PUB drops messages for a subscriber whose queue is full, and a subscriber missing messages
 * never reaches its count. So the XPUB runs with XPUB_NODROP and SNDHWM {@value #SNDHWM}: at the
 * mark it waits for the subscribers instead of dropping, and the figure is the rate at which
 * they take the messages, with the publisher's memory bounded (an unlimited HWM, as before, let a
 * long run queue millions of messages and measure the garbage collector). The JeroMQ twin and
 * {@code zmq_perf pub_thr} do the same, so any of them can face any sub_thr.
 */
public final class PubThr {
    /** The publisher's send HWM per subscriber (with XPUB_NODROP, where it waits). */
    public static final int SNDHWM = 100_000;
    static final String USAGE = "usage: pub_thr <bind-to> <message-size> <message-count> <subscribers>";

    private PubThr() {
    }

    public static void main(String[] args) {
        Perf.main("pub_thr", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does; returns the number of messages sent. */
    public static long run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static long run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 4, USAGE);
        String bindTo = args[0];
        int size = Perf.messageSize(args[1], USAGE);
        long count = Perf.count(args[2], "message-count", USAGE);
        int subscribers = Perf.subscribers(args[3], USAGE);

        try (Session session = new Session(USAGE, control)) {
            Socket xpub = session.socket(SocketType.XPUB);
            xpub.options().xpubVerbose(true).xpubNoDrop(true).sendHwm(SNDHWM);
            control.bound(Perf.bind(xpub, bindTo));
            SubscriptionGate.await(xpub, subscribers);
            for (long i = 0; i < count; i++) {
                Perf.send(xpub, Perf.newMessage(size));
            }
            session.completed();
            // Waits (up to LINGER) until every subscriber's queue is written out.
            xpub.close();
        }
        out.flush();
        return count;
    }
}
