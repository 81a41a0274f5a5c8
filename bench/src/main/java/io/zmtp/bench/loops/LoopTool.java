package io.zmtp.bench.loops;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.IoBackend;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Sub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One side of an event-loop benchmark cell ({@code bench/loops.sh} starts both sides, the binding
 * one first): {@code loops <role> <endpoint> <message-size> <connections> <warmup-s> <measure-s>}.
 * <ul>
 *   <li>{@code pull} binds one PULL and receives (throughput, one-way latency under load);
 *       {@code push} connects {@code connections} PUSH sockets and sends round the lot from one
 *       thread: fan-in.</li>
 *   <li>{@code pub} binds one PUB (XPUB_NODROP, so a slow subscriber slows it down rather than
 *       losing messages) and sends; {@code sub} connects {@code connections} SUB sockets that
 *       count on their event loops ({@link Socket#onMessage}): fan-out.</li>
 *   <li>{@code rep} binds one REP that echoes; {@code req} does round trips one after another.</li>
 *   <li>{@code router} binds one ROUTER that echoes; {@code dealer} connects {@code connections}
 *       DEALERs, each with one request in flight, sent again from its event loop when the reply
 *       is in (round trips per second and their latency).</li>
 * </ul>
 * The event loop is {@code ZMTP_IO} (nio, epoll, io_uring), its thread count
 * {@code ZMTP_LOOP_THREADS} (default 1, like {@code zmq_init (1)}). Prints one
 * {@link LoopResult} line: what this process measured in its window.
 */
public final class LoopTool {
    static final String THREADS_ENV = "ZMTP_LOOP_THREADS";
    private static final Duration POLL = Duration.ofMillis(100);

    private LoopTool() {
    }

    public static void main(String[] args) {
        int status;
        try {
            LoopResult r = run(LoopArgs.parse(args), ioBackend(), loopThreads());
            System.out.println(r.line());
            status = 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            status = 1;
        } catch (Exception e) {
            System.err.println("loops: " + e);
            status = 255;
        }
        System.out.flush();
        System.exit(status);
    }

    static IoBackend ioBackend() {
        String name = System.getProperty(IoBackend.PROPERTY, System.getenv("ZMTP_IO"));
        if (name == null || name.isBlank()) {
            return IoBackend.NIO;
        }
        String wanted = name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (IoBackend b : IoBackend.values()) {
            if (b.name().equals(wanted)) {
                if (!b.isAvailable()) {
                    throw new IllegalStateException(b + " cannot run on this machine");
                }
                return b;
            }
        }
        throw new IllegalArgumentException("unknown event loop '" + name + "' (nio, epoll, io_uring)");
    }

    static int loopThreads() {
        String v = System.getenv(THREADS_ENV);
        if (v == null || v.isBlank()) {
            return 1;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(THREADS_ENV + " must be between 1 and 64, got '" + v + "'");
    }

    /** Runs one side to the end of its window (and, for sending sides, its tail). */
    static LoopResult run(LoopArgs a, IoBackend io, int threads) throws InterruptedException {
        Meter meter = new Meter(a.warmupSeconds(), a.measureSeconds());
        try (ZmtpContext context = new ZmtpContext(threads, io)) {
            List<Socket> sockets = open(context, a, meter);
            try {
                return switch (a.role()) {
                    case PULL -> receive(sockets.get(0), meter, a);
                    case PUSH, PUB -> send(sockets, meter, a);
                    case SUB -> countOnLoops(sockets, meter, a);
                    case REP, ROUTER -> echo(sockets.get(0), meter, a);
                    case REQ -> roundTrips(sockets.get(0), meter, a);
                    case DEALER -> dealers(sockets, meter, a);
                };
            } finally {
                for (Socket s : sockets) {
                    s.options().linger(0);
                    s.close();
                }
            }
        }
    }

    /** Makes, binds or connects the role's sockets; the meter begins once all are through their handshake. */
    private static List<Socket> open(ZmtpContext context, LoopArgs a, Meter meter) {
        SocketType type = SocketType.valueOf(a.role().name());
        int sockets = a.role().binds() ? 1 : a.connections();
        AtomicInteger handshakes = new AtomicInteger();
        List<Socket> list = new ArrayList<>(sockets);
        for (int i = 0; i < sockets; i++) {
            Socket s = context.socket(type);
            int hwm = hwmFor(a.size(), a.connections());
            s.options().sendHwm(hwm).receiveHwm(hwm);
            s.addEventListener(e -> {
                if (e.type() == SocketEvent.Type.HANDSHAKE_SUCCEEDED && handshakes.incrementAndGet() == a.connections()) {
                    meter.begin();
                }
            });
            if (type == SocketType.PUB) {
                s.options().xpubNoDrop(true);
            }
            if (s instanceof Sub sub) {
                sub.subscribe("");
            }
            list.add(s);
        }
        for (Socket s : list) {
            if (a.role().binds()) {
                s.bind(a.endpoint());
            } else {
                s.connect(a.endpoint());
            }
        }
        return list;
    }

    /**
     * libzmq's default HWM (1,000 messages a pipe), lowered for large bodies so that the pipes of
     * one side hold at most 256 MiB together (64 KiB over 1,000 connections: 4 a pipe).
     */
    static int hwmFor(int size, int connections) {
        long fit = (256L << 20) / ((long) size * connections);
        return (int) Math.max(2, Math.min(1000, fit));
    }

    private static LoopResult send(List<Socket> sockets, Meter meter, LoopArgs a) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sender = worker("sender", failure, () -> {
            if (!meter.begunInTime()) {
                return;
            }
            int n = sockets.size();
            int next = 0;
            int refused = 0;
            while (meter.sending()) {
                Socket s = sockets.get(next);
                if (++next == n) {
                    next = 0;
                }
                Message m = Payload.stamped(a.size());
                // Round the sockets without waiting; wait (briefly) only when every one was full.
                boolean sent = refused < n ? s.trySend(m) : s.send(m, POLL);
                if (sent) {
                    meter.count();
                    refused = 0;
                } else {
                    m.close();
                    refused++;
                }
            }
        });
        LoopResult r = meter.run(a.role());
        finish(sender, failure);
        return r;
    }

    private static LoopResult receive(Socket pull, Meter meter, LoopArgs a) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = worker("receiver", failure, () -> {
            while (!meter.measured()) {
                Message m = pull.receive(POLL);
                if (m != null) {
                    meter.record(Payload.age(m, 0));
                    meter.count();
                    m.close();
                }
            }
        });
        LoopResult r = meter.run(a.role());
        finish(receiver, failure);
        return r;
    }

    private static LoopResult countOnLoops(List<Socket> subs, Meter meter, LoopArgs a) throws InterruptedException {
        for (Socket s : subs) {
            s.onMessage(m -> {
                meter.record(Payload.age(m, 0));
                meter.count();
                m.close();
            });
        }
        return meter.run(a.role());
    }

    /** REP and ROUTER: every request goes back as it came (ROUTER keeps the routing id in front). */
    private static LoopResult echo(Socket socket, Meter meter, LoopArgs a) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread echo = worker("echo", failure, () -> {
            while (meter.sending()) {
                Message m = socket.receive(POLL);
                if (m != null) {
                    if (socket.send(m, POLL)) {
                        meter.count();
                    } else {
                        m.close();
                    }
                }
            }
        });
        LoopResult r = meter.run(a.role());
        finish(echo, failure);
        return r;
    }

    private static LoopResult roundTrips(Socket req, Meter meter, LoopArgs a) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread client = worker("client", failure, () -> {
            if (!meter.begunInTime()) {
                return;
            }
            while (!meter.measured()) {
                if (!req.send(Payload.stamped(a.size()), POLL)) {
                    throw new IllegalStateException("REQ could not send for " + POLL.toMillis() + " ms");
                }
                Message reply = req.receive(Duration.ofSeconds(10));
                if (reply == null) {
                    throw new IllegalStateException("no reply within 10 s");
                }
                meter.record(Payload.age(reply, 0));
                meter.count();
                reply.close();
            }
        });
        LoopResult r = meter.run(a.role());
        finish(client, failure);
        return r;
    }

    /** Each DEALER keeps one request in flight: its reply, on the socket's loop, sends the next. */
    private static LoopResult dealers(List<Socket> dealers, Meter meter, LoopArgs a) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (Socket d : dealers) {
            d.onMessage(reply -> {
                meter.record(Payload.age(reply, 0));
                meter.count();
                reply.close();
                if (!meter.measured()) {
                    Message next = Payload.stamped(a.size());
                    if (!d.trySend(next)) {
                        next.close();
                    }
                }
            });
        }
        Thread starter = worker("starter", failure, () -> {
            if (meter.begunInTime()) {
                for (Socket d : dealers) {
                    Message first = Payload.stamped(a.size());
                    if (!d.send(first, POLL)) {
                        first.close();
                    }
                }
            }
        });
        LoopResult r = meter.run(a.role());
        finish(starter, failure);
        return r;
    }

    /** A started thread running {@code body}; what it throws is kept in {@code failure}. */
    private static Thread worker(String name, AtomicReference<Throwable> failure, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for {@code t}; a failure of it fails the run. */
    private static void finish(Thread t, AtomicReference<Throwable> failure) throws InterruptedException {
        t.join();
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException(t.getName() + " failed: " + e, e);
        }
    }
}
