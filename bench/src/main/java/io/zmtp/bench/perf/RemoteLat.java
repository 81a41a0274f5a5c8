package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

import java.io.PrintStream;

/**
 * {@code remote_lat <connect-to> <message-size> <roundtrip-count>}: connects a REQ socket to
 * local_lat, makes the round trips one after the other and prints the average one-way latency
 * (the whole time divided by twice the round trips), as libzmq does. The clock runs from the
 * first send, so it includes connecting, as in libzmq.
 */
public final class RemoteLat {
    static final String USAGE = "usage: remote_lat <connect-to> <message-size> <roundtrip-count>";

    private RemoteLat() {
    }

    public static void main(String[] args) {
        Perf.main("remote_lat", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does, printing its three lines to {@code out}. */
    public static LatencyResult run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static LatencyResult run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 3, USAGE);
        String connectTo = args[0];
        int size = Perf.messageSize(args[1], USAGE);
        long count = Perf.count(args[2], "roundtrip-count", USAGE);

        long elapsedNanos;
        try (Session session = new Session(USAGE, control)) {
            Socket req = session.socket(SocketType.REQ);
            Perf.connect(req, connectTo);
            Message m = Perf.newMessage(size);
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                Perf.send(req, m);
                // The reply becomes the next request.
                m = Perf.receive(req, size);
            }
            elapsedNanos = System.nanoTime() - start;
            m.close();
            session.completed();
            req.close();
        }

        LatencyResult r = LatencyResult.of(size, count, Perf.micros(elapsedNanos));
        Perf.printf(out, "message size: %d [B]%n", r.messageSize());
        Perf.printf(out, "roundtrip count: %d%n", r.roundtripCount());
        Perf.printf(out, "average latency: %.3f [us]%n", r.averageLatencyMicros());
        out.flush();
        return r;
    }
}
