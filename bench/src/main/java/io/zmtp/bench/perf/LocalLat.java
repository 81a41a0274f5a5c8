package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

import java.io.PrintStream;

/**
 * {@code local_lat <bind-to> <message-size> <roundtrip-count>}: binds a REP socket and echoes
 * each request of remote_lat back, unchanged. Prints nothing, as in libzmq.
 */
public final class LocalLat {
    static final String USAGE = "usage: local_lat <bind-to> <message-size> <roundtrip-count>";

    private LocalLat() {
    }

    public static void main(String[] args) {
        Perf.main("local_lat", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does; returns the number of round trips served. */
    public static long run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static long run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 3, USAGE);
        String bindTo = args[0];
        int size = Perf.messageSize(args[1], USAGE);
        long count = Perf.count(args[2], "roundtrip-count", USAGE);

        try (Session session = new Session(USAGE, control)) {
            Socket rep = session.socket(SocketType.REP);
            control.bound(Perf.bind(rep, bindTo));
            for (long i = 0; i < count; i++) {
                Message m = Perf.receive(rep, size);
                // The request's buffers go straight back out as the reply.
                Perf.send(rep, m);
            }
            session.completed();
            // Lingers until the last reply is written out.
            rep.close();
        }
        out.flush();
        return count;
    }
}
