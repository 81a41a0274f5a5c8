package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Socket;

import java.io.PrintStream;

/**
 * {@code remote_thr <connect-to> <message-size> <message-count>}: connects a PUSH socket, sends
 * the messages as fast as it can, then closes with an unbounded LINGER so every message is
 * delivered before the process exits. Prints nothing, as in libzmq.
 *
 * <p>With {@code ZMTP_PERF_CURVE=1} (or {@code -Dzmtp.perf.curve=1}) the PUSH socket is a CURVE
 * client of local_thr, with the benchmark's fixed keys ({@link io.zmtp.bench.BenchCurve}).
 */
public final class RemoteThr {
    static final String USAGE = "usage: remote_thr <connect-to> <message-size> <message-count>";

    private RemoteThr() {
    }

    public static void main(String[] args) {
        Perf.main("remote_thr", () -> run(args, System.out));
    }

    /** Runs the tool as the command line does; returns the number of messages sent. */
    public static long run(String[] args, PrintStream out) {
        return run(args, out, RunControl.DEFAULT);
    }

    public static long run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 3, USAGE);
        String connectTo = args[0];
        int size = Perf.messageSize(args[1], USAGE);
        long count = Perf.count(args[2], "message-count", USAGE);
        boolean curve = Perf.curve(USAGE);

        try (Session session = new Session(USAGE, control)) {
            Socket push = session.socket(SocketType.PUSH);
            if (curve) {
                Perf.curveClient(push);
            }
            if (control.stallMillis() < 0) {
                push.options().linger(-1);
            }
            Perf.connect(push, connectTo);
            for (long i = 0; i < count; i++) {
                Perf.send(push, Perf.newMessage(size));
            }
            session.completed();
            // Waits (up to LINGER) until every queued message is written out.
            push.close();
        }
        out.flush();
        return count;
    }
}
