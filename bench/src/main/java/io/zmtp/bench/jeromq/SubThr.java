package io.zmtp.bench.jeromq;

import java.io.PrintStream;

/**
 * Our {@code sub_thr <connect-to> <message-size> <message-count> [<subscribers>]} on JeroMQ:
 * {@code subscribers} (default 1) SUB sockets subscribed to everything, one thread each, on one
 * context ({@link JeroSubscribers}). Each is timed from its first message to its last, as
 * local_thr is; the output is local_thr's four lines for one subscriber, and for more a
 * {@code subscribers: N} line, one line per subscriber, and the mean of their figures in the two
 * {@code mean throughput} lines, as {@code io.zmtp.bench.perf.SubThr} prints them.
 */
public final class SubThr {
    static final String USAGE = "usage: sub_thr <connect-to> <message-size> <message-count> [<subscribers> [<filters>]]";

    private SubThr() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; returns the mean of the subscribers' throughputs in messages per second. */
    static long run(String[] argv, PrintStream out, JeroPerf.Control control) {
        if (argv == null || argv.length < 3 || argv.length > 5) {
            throw new JeroPerf.Usage(USAGE);
        }
        JeroPerf.Args a = JeroPerf.Args.parse(new String[] {argv[0], argv[1], argv[2]}, USAGE);
        int subscribers = argv.length >= 4 ? JeroPerf.subscribers(argv[3], USAGE) : 1;
        int filters = argv.length == 5 ? JeroPerf.filters(argv[4], USAGE) : 1;

        long[] elapsedMicros = new JeroSubscribers(a.endpoint(), a.size(), a.count(), filters, control).run(subscribers);

        long[] throughput = new long[subscribers];
        long sum = 0;
        for (int i = 0; i < subscribers; i++) {
            throughput[i] = (long) ((double) a.count() / (double) elapsedMicros[i] * 1_000_000d);
            sum += throughput[i];
        }
        long mean = sum / subscribers;
        double megabits = (double) mean * a.size() * 8 / 1_000_000d;
        JeroPerf.printf(out, "message size: %d [B]%n", a.size());
        JeroPerf.printf(out, "message count: %d%n", a.count());
        if (subscribers > 1) {
            JeroPerf.printf(out, "subscribers: %d%n", subscribers);
            for (int i = 0; i < subscribers; i++) {
                JeroPerf.printf(out, "subscriber %d throughput: %d [msg/s]%n", i + 1, throughput[i]);
            }
        }
        JeroPerf.printf(out, "mean throughput: %d [msg/s]%n", mean);
        JeroPerf.printf(out, "mean throughput: %.3f [Mb/s]%n", megabits);
        out.flush();
        return mean;
    }
}
