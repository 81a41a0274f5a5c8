package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

import java.io.PrintStream;

/**
 * {@code inproc_lat <message-size> <roundtrip-count>}: local_lat and remote_lat in one process.
 * The main thread binds a REQ socket and makes the round trips; a worker thread connects a REP
 * socket and echoes them. Prints the average one-way latency as remote_lat does.
 *
 * <p>The endpoint is {@code inproc://lat_test} unless {@code -Dzmtp.perf.endpoint} or
 * {@code ZMTP_PERF_ENDPOINT} names another. When an inproc endpoint cannot be bound (the
 * socket library may not offer inproc), the run goes over {@code tcp://127.0.0.1:*} instead
 * and says so in one line on stderr.
 */
public final class InprocLat {
    static final String USAGE = "usage: inproc_lat <message-size> <roundtrip-count>";
    static final String DEFAULT_ENDPOINT = "inproc://lat_test";

    private InprocLat() {
    }

    public static void main(String[] args) {
        Perf.main("inproc_lat", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does, printing its three lines to {@code out}. */
    public static LatencyResult run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static LatencyResult run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 2, USAGE);
        int size = Perf.messageSize(args[0], USAGE);
        long count = Perf.count(args[1], "roundtrip-count", USAGE);
        String endpoint = Perf.inprocEndpoint(DEFAULT_ENDPOINT);

        long elapsedNanos;
        try (Session session = new Session(USAGE, control)) {
            Socket req = session.socket(SocketType.REQ);
            String bound = Perf.bind(req, endpoint);
            control.bound(bound);

            Worker worker = new Worker("inproc_lat echo", () -> {
                Socket rep = session.socket(SocketType.REP);
                Perf.connect(rep, bound);
                for (long i = 0; i < count; i++) {
                    Perf.send(rep, Perf.receive(rep, size));
                }
                // Lingers until the last reply is written out.
                rep.close();
            }, req);
            worker.start();

            Perf.printf(out, "message size: %d [B]%n", size);
            Perf.printf(out, "roundtrip count: %d%n", count);
            out.flush();

            try {
                Message m = Perf.newMessage(size);
                long start = System.nanoTime();
                for (long i = 0; i < count; i++) {
                    Perf.send(req, m);
                    m = Perf.receive(req, size);
                }
                elapsedNanos = System.nanoTime() - start;
                m.close();
            } catch (RuntimeException e) {
                throw worker.explain(e);
            }
            worker.join(control.stallMillis());
            session.completed();
            req.close();
        }

        LatencyResult r = LatencyResult.of(size, count, Perf.micros(elapsedNanos));
        Perf.printf(out, "average latency: %.3f [us]%n", r.averageLatencyMicros());
        out.flush();
        return r;
    }
}
