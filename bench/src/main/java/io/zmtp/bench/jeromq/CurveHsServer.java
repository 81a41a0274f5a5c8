package io.zmtp.bench.jeromq;

import io.zmtp.bench.HandshakeBench;
import io.zmtp.bench.HandshakeBench.ServerResult;
import zmq.Ctx;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZError;
import zmq.ZMQ;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code curve_hs_server <bind-to> <handshake-count>} on JeroMQ, the twin of
 * {@link io.zmtp.bench.perf.CurveHsServer} and of {@code zmq_perf curve_hs_server}: a ROUTER that
 * is a CURVE server with the benchmark's fixed keys, a ZAP handler as libzmq applications write
 * one (a REP socket on {@code inproc://zeromq.zap.01}, in its own thread) admitting a client iff
 * its public key is in {@link HandshakeBench#keySet()}; sends each request back and ends after
 * {@code handshake-count} of them. Prints {@link HandshakeBench.ServerResult}'s lines.
 */
public final class CurveHsServer {
    static final String USAGE = "usage: curve_hs_server <bind-to> <handshake-count>";
    private static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";

    private CurveHsServer() {
    }

    public static void main(String[] args) {
        JeroPerf.main(() -> run(args, System.out, JeroPerf.Control.DEFAULT));
    }

    /** Runs the tool; a control with a timeout makes a stalled receive fail instead of blocking. */
    static ServerResult run(String[] argv, PrintStream out, JeroPerf.Control control) {
        if (argv == null || argv.length != 2) {
            throw new JeroPerf.Usage(USAGE);
        }
        long count = JeroPerf.positive(argv[1], USAGE);
        HandshakeBench.Window window = new HandshakeBench.Window();
        Ctx ctx = ZMQ.createContext();
        SocketBase router = null;
        ZapHandler zap = null;
        boolean completed = false;
        ServerResult result;
        try {
            // The handler is bound before any connection can ask for it.
            zap = new ZapHandler(ctx, window);
            router = ZMQ.socket(ctx, ZMQ.ZMQ_ROUTER);
            if (router == null) {
                throw new JeroPerf.Failure("error in zmq_socket: " + ZMQ.strerror(ctx.errno().get()));
            }
            JeroPerf.setOption(router, ZMQ.ZMQ_LINGER,
                    control.timeoutMillis() >= 0 ? control.timeoutMillis() : HandshakeBench.SERVER_LINGER_MILLIS, "ZMQ_LINGER");
            if (control.timeoutMillis() >= 0) {
                JeroPerf.setOption(router, ZMQ.ZMQ_RCVTIMEO, control.timeoutMillis(), "ZMQ_RCVTIMEO");
                JeroPerf.setOption(router, ZMQ.ZMQ_SNDTIMEO, control.timeoutMillis(), "ZMQ_SNDTIMEO");
            }
            JeroPerf.curveServer(router);
            zap.start();
            long boundNanos = System.nanoTime();
            long boundCpu = HandshakeBench.processCpuNanos();
            JeroPerf.bind(router, argv[0], control);

            for (long i = 0; i < count; i++) {
                Msg id = ZMQ.recv(router, 0);
                if (id == null) {
                    throw new JeroPerf.Failure("error in zmq_recvmsg: " + ZMQ.strerror(router.errno()));
                }
                Msg body = id.hasMore() ? ZMQ.recv(router, 0) : null;
                if (body == null || body.hasMore() || !Arrays.equals(body.data(), HandshakeBench.REQUEST)) {
                    throw new JeroPerf.Failure("unexpected request received");
                }
                if (ZMQ.send(router, new Msg(id.data()), ZMQ.ZMQ_SNDMORE) < 0 || ZMQ.send(router, body, 0) < 0) {
                    throw new JeroPerf.Failure("error in zmq_sendmsg: " + ZMQ.strerror(router.errno()));
                }
            }
            result = window.close(count, zap.accepted, zap.refused, boundNanos, boundCpu);
            completed = true;
        } finally {
            if (zap != null) {
                zap.stop();
            }
            if (router != null) {
                if (completed) {
                    // Lingers until the last replies are written.
                    ZMQ.close(router);
                } else {
                    ZMQ.closeZeroLinger(router);
                }
            }
            ZMQ.term(ctx);
        }
        if (zap.failure != null) {
            throw new JeroPerf.Failure("error in the ZAP handler: " + zap.failure);
        }
        // Read after the handler's thread ended, so its counts are final.
        result = new ServerResult(result.handshakes(), zap.accepted, zap.refused, result.elapsedNanos(), result.cpuNanos());
        result.print(out);
        return result;
    }

    /** RFC 27 over a REP socket, in its own thread: 200 for a CURVE client key in the set, 400 otherwise. */
    private static final class ZapHandler {
        private final SocketBase rep;
        private final HandshakeBench.Window window;
        private final Set<ByteBuffer> keys = HandshakeBench.keyLookup();
        private final Thread thread = new Thread(this::serve, "zap-handler");
        private volatile boolean stopped;
        /** Written by the handler's thread; read after it ended. */
        private long accepted;
        private long refused;
        private String failure;

        ZapHandler(Ctx ctx, HandshakeBench.Window window) {
            this.window = window;
            this.rep = ZMQ.socket(ctx, ZMQ.ZMQ_REP);
            if (rep == null) {
                throw new JeroPerf.Failure("error in zmq_socket: " + ZMQ.strerror(ctx.errno().get()));
            }
            JeroPerf.setOption(rep, ZMQ.ZMQ_RCVTIMEO, HandshakeBench.RECEIVE_SLICE_MILLIS, "ZMQ_RCVTIMEO");
            JeroPerf.setOption(rep, ZMQ.ZMQ_LINGER, 0, "ZMQ_LINGER");
            if (!ZMQ.bind(rep, ZAP_ENDPOINT)) {
                ZMQ.close(rep);
                throw new JeroPerf.Failure("error in zmq_bind " + ZAP_ENDPOINT + ": " + ZMQ.strerror(rep.errno()));
            }
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void serve() {
            try {
                while (!stopped) {
                    Msg first = ZMQ.recv(rep, 0);
                    if (first == null) {
                        if (rep.errno() == ZError.EAGAIN) {
                            continue;
                        }
                        failure = "zmq_recvmsg: " + ZMQ.strerror(rep.errno());
                        return;
                    }
                    window.open();
                    List<byte[]> frames = new ArrayList<>(7);
                    frames.add(first.data());
                    Msg m = first;
                    while (m.hasMore()) {
                        m = ZMQ.recv(rep, 0);
                        if (m == null) {
                            failure = "zmq_recvmsg: " + ZMQ.strerror(rep.errno());
                            return;
                        }
                        frames.add(m.data());
                    }
                    // version, request id, domain, address, identity, mechanism, credentials
                    boolean ok = frames.size() == 7 && "1.0".equals(text(frames.get(0))) && "CURVE".equals(text(frames.get(5)))
                            && frames.get(6).length == 32 && keys.contains(ByteBuffer.wrap(frames.get(6)));
                    if (ok) {
                        accepted++;
                    } else {
                        refused++;
                    }
                    byte[] id = frames.size() > 1 ? frames.get(1) : new byte[0];
                    if (!send("1.0", true) || ZMQ.send(rep, id, ZMQ.ZMQ_SNDMORE) < 0 || !send(ok ? "200" : "400", true)
                            || !send(ok ? "OK" : "key not allowed", true) || !send(ok ? HandshakeBench.USER_ID : "", true)
                            || !send("", false)) {
                        failure = "zmq_sendmsg: " + ZMQ.strerror(rep.errno());
                        return;
                    }
                }
            } finally {
                ZMQ.close(rep);
            }
        }

        private boolean send(String text, boolean more) {
            return ZMQ.send(rep, text, more ? ZMQ.ZMQ_SNDMORE : 0) >= 0;
        }

        private static String text(byte[] b) {
            return new String(b, StandardCharsets.US_ASCII);
        }

        void stop() {
            stopped = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
