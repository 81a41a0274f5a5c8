package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Socket;
import io.zmtp.socket.type.Sub;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sub_thr <connect-to> <message-size> <message-count> [<subscribers>]}: the measuring
 * side of the PUB/SUB throughput pair, shaped like local_thr. Connects {@code subscribers}
 * (default 1) SUB sockets to pub_thr, each subscribed to everything and drained by its own
 * thread ({@link SubscriberThreads}), all on one context with one I/O thread, as libzmq's
 * {@code zmq_init (1)}: that is how bench/compare.sh runs ten subscribers without ten JVMs.
 *
 * <p>With one subscriber it prints exactly local_thr's four lines. With more it prints, between
 * the count and the throughput, a line {@code subscribers: N} and one line per subscriber, and
 * the two {@code mean throughput} lines are then the mean of the subscribers' figures.
 */
public final class SubThr {
    static final String USAGE = "usage: sub_thr <connect-to> <message-size> <message-count> [<subscribers> [<filters>]]";

    private SubThr() {
    }

    public static void main(String[] args) {
        Perf.main("sub_thr", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does, printing its lines to {@code out}. */
    public static SubThrResult run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static SubThrResult run(String[] args, PrintStream out, RunControl control) {
        if (args == null || args.length < 3 || args.length > 5) {
            throw new UsageException(USAGE, null);
        }
        String connectTo = args[0];
        int size = Perf.messageSize(args[1], USAGE);
        long count = Perf.count(args[2], "message-count", USAGE);
        int subscribers = args.length >= 4 ? Perf.subscribers(args[3], USAGE) : 1;
        int filters = args.length == 5 ? Perf.filters(args[4], USAGE) : 1;

        long[] elapsedNanos;
        try (Session session = new Session(USAGE, control)) {
            List<Socket> subs = new ArrayList<>(subscribers);
            for (int i = 0; i < subscribers; i++) {
                Socket s = session.socket(SocketType.SUB);
                // Subscribed before connecting: the subscriptions go out with the handshake.
                for (byte[] topic : SubscriptionFilters.topics(filters)) {
                    ((Sub) s).subscribe(topic);
                }
                Perf.connect(s, connectTo);
                subs.add(s);
            }
            // Session.socket gave every SUB the run's stall timeout as RCVTIMEO.
            elapsedNanos = new SubscriberThreads(subs, size, count).run();
            session.completed();
        }

        long[] elapsedMicros = new long[elapsedNanos.length];
        for (int i = 0; i < elapsedNanos.length; i++) {
            elapsedMicros[i] = elapsedNanos[i] / 1_000;
        }
        SubThrResult r = SubThrResult.of(size, count, elapsedMicros);
        Perf.printf(out, "message size: %d [B]%n", r.messageSize());
        Perf.printf(out, "message count: %d%n", r.messageCount());
        if (subscribers > 1) {
            Perf.printf(out, "subscribers: %d%n", subscribers);
            for (int i = 0; i < subscribers; i++) {
                Perf.printf(out, "subscriber %d throughput: %d [msg/s]%n", i + 1, r.subscribers().get(i).throughput());
            }
        }
        Perf.printf(out, "mean throughput: %d [msg/s]%n", r.meanThroughput());
        Perf.printf(out, "mean throughput: %.3f [Mb/s]%n", r.meanMegabits());
        out.flush();
        return r;
    }
}
