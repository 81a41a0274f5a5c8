package io.zmtp.bench.perf;

import io.netty.buffer.ByteBufUtil;
import io.zmtp.bench.HandshakeBench;
import io.zmtp.bench.HandshakeBench.ServerResult;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.auth.CurveKeyAuthenticator;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZapClient;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code curve_hs_server <bind-to> <handshake-count>}: the server of the CURVE handshake benchmark.
 * Binds a ROUTER that is a CURVE server with the benchmark's fixed keys
 * ({@link io.zmtp.bench.BenchCurve}), admits a client iff its public key is one of the
 * {@value HandshakeBench#KEY_SET_SIZE} of {@link HandshakeBench#keySet()}, answers each client's one
 * request with the request itself, and ends after {@code handshake-count} requests. A request is
 * counted as one handshake: it can only arrive over a connection whose handshake (ZAP included)
 * is complete, and curve_hs_client sends exactly one per connection.
 *
 * <p>Prints the count, the authentications its handler admitted and refused, the handshakes per
 * second and the process CPU time per handshake, both over the window from the first
 * authentication request to the last request in ({@link HandshakeBench.ServerResult}).
 *
 * <p>Who decides, {@code ZMTP_HS_ZAP} (or {@code -Dzmtp.hs.zap}):
 * <ul>
 *   <li>{@code direct} (default): the socket's authenticator, a
 *       {@link CurveKeyAuthenticator} over the key set, called on the connection's event loop:
 *       how an application of this library (the config center) authenticates;
 *   <li>{@code inproc}: libzmq's way, a {@link ZapClient} asking a REP handler on
 *       {@code inproc://zeromq.zap.01} in its own thread, as the C peer and the JeroMQ twin do.
 * </ul>
 */
public final class CurveHsServer {
    static final String USAGE = "usage: curve_hs_server <bind-to> <handshake-count>";
    static final String ZAP_PROPERTY = "zmtp.hs.zap";
    static final String ZAP_ENV = "ZMTP_HS_ZAP";

    /** Where the server's authentication requests go. */
    enum Zap { DIRECT, INPROC }

    private CurveHsServer() {
    }

    public static void main(String[] args) {
        Perf.main("curve_hs_server", () -> run(args, System.out, RunControl.DEFAULT));
    }

    /** Runs the tool as the command line does, printing its lines to {@code out}. */
    public static ServerResult run(String[] args, PrintStream out, RunControl control) {
        Perf.requireArgCount(args, 2, USAGE);
        String bindTo = args[0];
        long count = Perf.count(args[1], "handshake-count", USAGE);
        Zap zap = zap(USAGE);

        HandshakeBench.Window window = new HandshakeBench.Window();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        ServerResult result;
        InprocZapHandler handler = null;
        try (Session session = new Session(USAGE, control)) {
            Socket router = session.socket(SocketType.ROUTER);
            Perf.curveServer(router);
            if (control.stallMillis() < 0) {
                router.options().linger(HandshakeBench.SERVER_LINGER_MILLIS);
            }
            ZapClient zapClient = null;
            try {
                if (zap == Zap.DIRECT) {
                    CurveKeyAuthenticator keys = CurveKeyAuthenticator.of(HandshakeBench.keySetZ85());
                    router.options().authenticator(request -> {
                        window.open();
                        return keys.authenticate(request).thenApply(r -> {
                            (r.allowed() ? accepted : refused).incrementAndGet();
                            return r;
                        });
                    });
                } else {
                    // The handler is bound before the ZAP client connects to it.
                    handler = new InprocZapHandler(session.socket(SocketType.REP), window, accepted, refused);
                    zapClient = new ZapClient(session.context());
                    router.options().authenticator(zapClient);
                    handler.start();
                }
                long boundNanos = System.nanoTime();
                long boundCpu = HandshakeBench.processCpuNanos();
                control.bound(Perf.bind(router, bindTo));

                for (long i = 0; i < count; i++) {
                    Perf.send(router, receiveRequest(router));
                }
                result = window.close(count, accepted.get(), refused.get(), boundNanos, boundCpu);
                session.completed();
            } finally {
                if (handler != null) {
                    handler.stop();
                }
                if (zapClient != null) {
                    zapClient.close();
                }
            }
            // Lingers until the last replies are written.
            router.close();
        }
        if (handler != null) {
            handler.checkFailure();
        }
        result.print(out);
        return result;
    }

    /** {@code ZMTP_HS_ZAP} / {@code -Dzmtp.hs.zap}: direct (default) or inproc; anything else is a usage error. */
    static Zap zap(String usage) {
        String value = System.getProperty(ZAP_PROPERTY);
        String from = "-D" + ZAP_PROPERTY;
        if (value == null) {
            value = System.getenv(ZAP_ENV);
            from = ZAP_ENV;
        }
        if (value == null || value.isBlank()) {
            return Zap.DIRECT;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "direct":
                return Zap.DIRECT;
            case "inproc":
                return Zap.INPROC;
            default:
                throw new UsageException(usage, from + " must be direct or inproc, got '" + value + "'");
        }
    }

    /** One request from the ROUTER: the client's routing id and {@link HandshakeBench#REQUEST}. */
    private static Message receiveRequest(Socket router) {
        Message m;
        try {
            m = router.receive();
        } catch (RuntimeException e) {
            throw new PerfException("error in receive: " + e.getMessage(), e);
        }
        if (m == null) {
            throw new PerfException("error in receive: nothing arrived for " + router.options().receiveTimeout() + " ms");
        }
        if (m.size() != 2 || !Arrays.equals(m.bytes(1), HandshakeBench.REQUEST)) {
            m.close();
            throw new PerfException("unexpected request received");
        }
        return m;
    }

    /**
     * A ZAP handler as libzmq applications write one: a REP socket on
     * {@code inproc://zeromq.zap.01}, in its own thread, answering RFC 27 requests; 200 for a
     * CURVE client whose key is in the set, 400 for anything else.
     */
    private static final class InprocZapHandler {
        private final Socket rep;
        private final HandshakeBench.Window window;
        private final AtomicLong accepted;
        private final AtomicLong refused;
        private final Set<ByteBuffer> keys = HandshakeBench.keyLookup();
        private final Thread thread;
        private volatile boolean stopped;
        private volatile RuntimeException failure;

        InprocZapHandler(Socket rep, HandshakeBench.Window window, AtomicLong accepted, AtomicLong refused) {
            this.rep = rep;
            this.window = window;
            this.accepted = accepted;
            this.refused = refused;
            Perf.bind(rep, ZapClient.ENDPOINT);
            this.thread = new Thread(this::serve, "zap-handler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void serve() {
            Duration slice = Duration.ofMillis(HandshakeBench.RECEIVE_SLICE_MILLIS);
            try {
                while (!stopped) {
                    Message request = rep.receive(slice);
                    if (request == null) {
                        continue;
                    }
                    window.open();
                    Message reply;
                    try (request) {
                        reply = answer(request);
                    }
                    Perf.send(rep, reply);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        /** The reply to one request (its envelope already stripped by REP). */
        private Message answer(Message request) {
            // version, request id, domain, address, identity, mechanism, credentials...
            String id = request.size() > 1 ? request.string(1) : "";
            boolean ok = request.size() == 7 && "1.0".equals(request.string(0)) && "CURVE".equals(request.string(5))
                    && request.frame(6).readableBytes() == 32
                    && keys.contains(ByteBuffer.wrap(ByteBufUtil.getBytes(request.frame(6))));
            (ok ? accepted : refused).incrementAndGet();
            AuthResult r = ok ? AuthResult.ok(HandshakeBench.USER_ID) : AuthResult.denied("key not allowed");
            return new Message().add("1.0").add(id).add(Integer.toString(r.statusCode())).add(r.statusText())
                    .add(r.userId()).add(new byte[0]);
        }

        void stop() {
            stopped = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** After {@link #stop()}: fails the run if the handler failed while it served. */
        void checkFailure() {
            if (failure != null) {
                throw new PerfException("ZAP handler failed: " + failure.getMessage(), failure);
            }
        }
    }
}
