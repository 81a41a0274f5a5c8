package io.zmtp.bench.soak;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Sub;
import io.zmtp.testing.FaultRelay;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Each socket pattern for a fixed time through a {@link FaultRelay} under a {@link FaultSchedule}:
 * a paced sender of numbered messages, a receiver that checks and counts them, then a drain with
 * the faults off. One method per pattern, each returning its {@link Tally}.
 */
final class PatternSoaks {
    private static final int BODY = 1_000;
    private static final long RATE_PER_SECOND = 2_000;
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private PatternSoaks() {
    }

    static Tally pushPull(Duration run, Duration period, long seed) throws Exception {
        try (ZmtpContext ctx = new ZmtpContext(2)) {
            Socket pull = ctx.socket(SocketType.PULL);
            try (FaultRelay relay = FaultRelay.to(pull.bind("tcp://127.0.0.1:*"))) {
                Socket push = ctx.socket(SocketType.PUSH);
                push.options().linger(0).reconnectIvl(50).reconnectIvlMax(500);
                push.connect(relay.endpoint());
                Flow flow = new Flow(pull, 0);
                long sent;
                String faults;
                try (FaultSchedule schedule = new FaultSchedule(List.of(relay), period, seed)) {
                    sent = paced(run, seq -> {
                        Message m = Numbered.make(seq, BODY);
                        if (!push.send(m, Duration.ofSeconds(1))) {
                            m.close();
                            return false;
                        }
                        return true;
                    });
                    faults = schedule.summary();
                }
                return flow.finish("PUSH/PULL", sent, faults,
                        "loss allowed: messages on a connection when it was cut or reset");
            }
        }
    }

    static Tally pubSub(Duration run, Duration period, long seed) throws Exception {
        try (ZmtpContext ctx = new ZmtpContext(2)) {
            Socket pub = ctx.socket(SocketType.PUB);
            try (FaultRelay relay = FaultRelay.to(pub.bind("tcp://127.0.0.1:*"))) {
                Sub sub = ctx.socket(SocketType.SUB, Sub.class);
                sub.options().linger(0).reconnectIvl(50).reconnectIvlMax(500);
                sub.subscribe("t");
                sub.connect(relay.endpoint());
                Flow flow = new Flow(sub, 1);
                long sent;
                String faults;
                try (FaultSchedule schedule = new FaultSchedule(List.of(relay), period, seed)) {
                    sent = paced(run, seq -> pub.send(Numbered.make(seq, BODY, "t")));
                    faults = schedule.summary();
                }
                return flow.finish("PUB/SUB", sent, faults,
                        "loss allowed: what was published before the subscription reached the PUB (at the start and after each reconnect), PUB drops at SNDHWM (1000) while the relay is slow or frozen, and what was on a cut or reset connection");
            }
        }
    }

    /**
     * Lazy Pirate: one REQ (REQ_RELAXED, REQ_CORRELATE) resending after 500 ms without a reply, at
     * most 20 times. Lost = requests given up; a reply that is not to the request under way is broken.
     */
    static Tally reqRep(Duration run, Duration period, long seed) throws Exception {
        try (ZmtpContext ctx = new ZmtpContext(2)) {
            Socket rep = ctx.socket(SocketType.REP);
            AtomicLong executions = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread server = new Thread(() -> {
                while (!stop.get()) {
                    try (Message request = rep.receive(Duration.ofMillis(100))) {
                        if (request != null) {
                            executions.incrementAndGet();
                            rep.send(Message.of("reply to " + request.string(0)));
                        }
                    }
                }
                rep.close();
            }, "soak-rep");
            try (FaultRelay relay = FaultRelay.to(rep.bind("tcp://127.0.0.1:*"))) {
                server.start();
                Socket req = ctx.socket(SocketType.REQ);
                req.options().linger(0).reqRelaxed(true).reqCorrelate(true).reconnectIvl(50).reconnectIvlMax(500);
                req.connect(relay.endpoint());
                long requests = 0;
                long replies = 0;
                long abandoned = 0;
                long broken = 0;
                long retries = 0;
                String faults;
                long deadline = System.nanoTime() + run.toNanos();
                try (FaultSchedule schedule = new FaultSchedule(List.of(relay), period, seed)) {
                    while (System.nanoTime() < deadline && requests < Long.MAX_VALUE) {
                        String request = "request " + requests++;
                        String reply = null;
                        for (int attempt = 0; attempt < 20 && reply == null; attempt++) {
                            retries += attempt > 0 ? 1 : 0;
                            req.send(Message.of(request));
                            try (Message m = req.receive(Duration.ofMillis(500))) {
                                reply = m == null ? null : m.string(0);
                            }
                        }
                        if (reply == null) {
                            abandoned++;
                        } else {
                            replies++;
                            broken += reply.equals("reply to " + request) ? 0 : 1;
                        }
                    }
                    faults = schedule.summary();
                }
                stop.set(true);
                server.join(10_000);
                return new Tally("REQ/REP (Lazy Pirate)", requests, replies, abandoned, 0, broken, faults,
                        retries + " resends; the server executed " + executions.get()
                                + " requests (at-least-once); a REQ takes one reply per request by design");
            }
        }
    }

    interface Sender {
        boolean send(long seq);
    }

    /** Sends numbered messages at {@link #RATE_PER_SECOND} until {@code run} is over; returns how many went out. */
    private static long paced(Duration run, Sender sender) {
        long start = System.nanoTime();
        long deadline = start + run.toNanos();
        long seq = 0;
        while (System.nanoTime() < deadline && seq < Integer.MAX_VALUE) {
            if (sender.send(seq)) {
                seq++;
                long due = start + seq * 1_000_000_000L / RATE_PER_SECOND;
                LockSupport.parkNanos(due - System.nanoTime());
            }
        }
        return seq;
    }

    /** A receiving thread that checks every message into its {@link Receipts} until finished. */
    private static final class Flow {
        private final Receipts receipts = new Receipts();
        private final Thread thread;
        private volatile boolean stop;

        Flow(Socket socket, int prefixFrames) {
            thread = new Thread(() -> {
                while (!stop) {
                    try (Message m = socket.receive(Duration.ofMillis(100))) {
                        if (m != null) {
                            receipts.add(Numbered.check(m, BODY, prefixFrames));
                        }
                    }
                }
            }, "soak-receiver");
            thread.start();
        }

        /** Waits (bounded) until the last message sent arrived or nothing arrives for a second. */
        Tally finish(String pattern, long sent, String faults, String note) throws InterruptedException {
            long end = System.nanoTime() + DRAIN.toNanos();
            long quietSince = System.nanoTime();
            long lastSeen = receipts.last();
            while (receipts.last() < sent - 1 && System.nanoTime() < end
                    && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(1)) {
                TimeUnit.MILLISECONDS.sleep(20);
                if (receipts.last() != lastSeen) {
                    lastSeen = receipts.last();
                    quietSince = System.nanoTime();
                }
            }
            stop = true;
            thread.join(10_000);
            return new Tally(pattern, sent, receipts.received(), sent - receipts.distinct(), receipts.duplicated(),
                    receipts.broken(), faults, note);
        }
    }
}
