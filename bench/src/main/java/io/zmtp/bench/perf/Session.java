package io.zmtp.bench.perf;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One tool run's context (one I/O thread, like {@code zmq_init (1)}) and sockets. Closing it
 * after {@link #completed()} lets every socket linger as configured; closing it after a failure
 * drops whatever is still queued so the close cannot wait on a peer that is gone.
 */
final class Session implements AutoCloseable {
    private final ZmtpContext context;
    private final RunControl control;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean completed;

    Session(String usage, RunControl control) {
        this.control = control;
        this.context = new ZmtpContext(1, Perf.ioBackend(usage));
    }

    /** A socket with the run's stall timeout (if any) as SNDTIMEO, RCVTIMEO and LINGER. */
    Socket socket(SocketType type) {
        Socket s = context.socket(type);
        long stall = control.stallMillis();
        if (stall >= 0) {
            s.options().sendTimeout(stall).receiveTimeout(stall).linger(stall);
        }
        sockets.add(s);
        return s;
    }

    /** The run's context, for what needs one rather than a socket (e.g. a ZapClient). */
    ZmtpContext context() {
        return context;
    }

    /** The run did all it was asked to: sockets closed from now on linger as configured. */
    void completed() {
        completed = true;
    }

    @Override
    public void close() {
        if (!completed) {
            for (Socket s : sockets) {
                s.options().linger(0);
            }
        }
        context.close();
    }
}
