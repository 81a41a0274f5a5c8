package io.zmtp.bench.jeromq;

import io.zmtp.bench.BenchCurve;
import zmq.Ctx;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the JeroMQ baseline tools share: libzmq's argument rules, the sockets (JeroMQ's low-level
 * {@code zmq.*} API, the fastest it offers), checked receives, and the exit codes of libzmq's
 * tools (1 for usage, 255 for a failed call).
 */
final class JeroPerf {
    static final int EXIT_USAGE = 1;
    static final int EXIT_FAILURE = 255;

    private JeroPerf() {
    }

    /** Bad arguments: the tool prints its usage line to stderr and exits with 1. */
    static final class Usage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Usage(String usage) {
            super(usage);
        }
    }

    /** A failed JeroMQ call or a wrong message: printed to stderr, exit status 255. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /**
     * How a run is watched from outside. The command line blocks for ever, as libzmq's tools do;
     * tests give a timeout (used as RCVTIMEO, SNDTIMEO and LINGER) and learn the bound endpoint.
     */
    record Control(int timeoutMillis, Consumer<String> onBound) {
        static final Control DEFAULT = new Control(-1, endpoint -> {
        });
    }

    /** The three positional arguments: endpoint, message size, count. */
    record Args(String endpoint, int size, long count) {
        static Args parse(String[] args, String usage) {
            if (args == null || args.length != 3) {
                throw new Usage(usage);
            }
            try {
                int size = Integer.parseInt(args[1].trim());
                long count = Long.parseLong(args[2].trim());
                if (size < 0 || count < 1) {
                    throw new Usage(usage);
                }
                return new Args(args[0], size, count);
            } catch (NumberFormatException e) {
                throw new Usage(usage);
            }
        }
    }

    /**
     * One run's context and its one socket. Closing it after {@link #completed()} lets the socket
     * linger as configured; after a failure the socket is dropped at once, so terminating the
     * context cannot wait on a peer that is gone.
     */
    static final class Session implements AutoCloseable {
        private final Ctx ctx = ZMQ.createContext();
        private SocketBase socket;
        private boolean completed;

        /** The run's socket, with the control's timeout (if any) as RCVTIMEO, SNDTIMEO and LINGER. */
        SocketBase socket(int type, Control control) {
            SocketBase s = ZMQ.socket(ctx, type);
            if (s == null) {
                throw new Failure("error in zmq_socket: " + ZMQ.strerror(ctx.errno().get()));
            }
            if (control.timeoutMillis() >= 0) {
                ZMQ.setSocketOption(s, ZMQ.ZMQ_RCVTIMEO, control.timeoutMillis());
                ZMQ.setSocketOption(s, ZMQ.ZMQ_SNDTIMEO, control.timeoutMillis());
                ZMQ.setSocketOption(s, ZMQ.ZMQ_LINGER, control.timeoutMillis());
            } else {
                ZMQ.setSocketOption(s, ZMQ.ZMQ_LINGER, -1);
            }
            socket = s;
            return s;
        }

        /** The run did all it was asked to. */
        void completed() {
            completed = true;
        }

        @Override
        public void close() {
            if (socket != null) {
                if (completed) {
                    ZMQ.close(socket);
                } else {
                    ZMQ.closeZeroLinger(socket);
                }
            }
            ZMQ.term(ctx);
        }
    }

    /** A count argument: a whole number, at least 1. */
    static long positive(String text, String usage) {
        try {
            long n = Long.parseLong(text.trim());
            if (n < 1) {
                throw new Usage(usage);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Usage(usage);
        }
    }

    /** The filters argument of sub_thr: subscriptions per SUB, as in our tools. */
    static int filters(String text, String usage) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n < 1 || n > io.zmtp.bench.perf.SubscriptionFilters.MAX) {
                throw new Usage(usage);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Usage(usage);
        }
    }

    /** The subscriber-count argument of pub_thr and sub_thr: 1 to 1000, as in our tools. */
    static int subscribers(String text, String usage) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n < 1 || n > 1000) {
                throw new Usage(usage);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Usage(usage);
        }
    }

    /** Whether the run is over CURVE ({@link BenchCurve#requested()}); a bad value is a usage error. */
    static boolean curve(String usage) {
        try {
            return BenchCurve.requested();
        } catch (IllegalArgumentException e) {
            throw new Usage(e.getMessage() + "\n" + usage);
        }
    }

    /** Makes {@code s} the CURVE server of the benchmark's fixed keys. */
    static void curveServer(SocketBase s) {
        setOption(s, ZMQ.ZMQ_CURVE_SERVER, true, "ZMQ_CURVE_SERVER");
        setOption(s, ZMQ.ZMQ_CURVE_SECRETKEY, BenchCurve.SERVER_SECRET, "ZMQ_CURVE_SECRETKEY");
    }

    /** Makes {@code s} a CURVE client of the benchmark's fixed keys. */
    static void curveClient(SocketBase s) {
        setOption(s, ZMQ.ZMQ_CURVE_SERVERKEY, BenchCurve.SERVER_PUBLIC, "ZMQ_CURVE_SERVERKEY");
        setOption(s, ZMQ.ZMQ_CURVE_PUBLICKEY, BenchCurve.CLIENT_PUBLIC, "ZMQ_CURVE_PUBLICKEY");
        setOption(s, ZMQ.ZMQ_CURVE_SECRETKEY, BenchCurve.CLIENT_SECRET, "ZMQ_CURVE_SECRETKEY");
    }

    static void setOption(SocketBase s, int option, Object value, String name) {
        if (!ZMQ.setSocketOption(s, option, value)) {
            throw new Failure("error in zmq_setsockopt " + name + ": " + ZMQ.strerror(s.errno()));
        }
    }

    static void bind(SocketBase s, String endpoint, Control control) {
        if (!ZMQ.bind(s, endpoint)) {
            throw new Failure("error in zmq_bind: " + ZMQ.strerror(s.errno()));
        }
        Object bound = ZMQ.getSocketOptionExt(s, ZMQ.ZMQ_LAST_ENDPOINT);
        control.onBound().accept(bound instanceof String text ? text : endpoint);
    }

    static void connect(SocketBase s, String endpoint) {
        if (!ZMQ.connect(s, endpoint)) {
            throw new Failure("error in zmq_connect: " + ZMQ.strerror(s.errno()));
        }
    }

    /** Receives one message and checks it is {@code size} bytes. */
    static Msg receive(SocketBase s, int size) {
        Msg m = ZMQ.recv(s, 0);
        if (m == null) {
            throw new Failure("error in zmq_recvmsg: " + ZMQ.strerror(s.errno()));
        }
        if (m.size() != size) {
            throw new Failure("message of incorrect size received");
        }
        return m;
    }

    static void send(SocketBase s, Msg m) {
        if (ZMQ.send(s, m, 0) < 0) {
            throw new Failure("error in zmq_sendmsg: " + ZMQ.strerror(s.errno()));
        }
    }

    static void printf(PrintStream out, String format, Object... args) {
        out.printf(Locale.ROOT, format, args);
    }

    /** Runs a tool as {@code main}: usage or failure to stderr, then exit with libzmq's status. */
    static void main(Runnable body) {
        int status;
        try {
            body.run();
            status = 0;
        } catch (Usage e) {
            System.err.println(e.getMessage());
            status = EXIT_USAGE;
        } catch (Failure e) {
            System.err.println(e.getMessage());
            status = EXIT_FAILURE;
        } catch (RuntimeException e) {
            e.printStackTrace(System.err);
            status = EXIT_FAILURE;
        }
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }
}
