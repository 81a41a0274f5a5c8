package io.zmtp.bench.jmh;

import io.netty.buffer.Unpooled;
import io.zmtp.bench.BenchCurve;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.IoBackend;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * {@code SocketPathAllocation [warm-up-messages] [measured-messages]}: the heap bytes per message of
 * the whole socket path, PUSH to PULL in one process over tcp (127.0.0.1), tcp under CURVE (the
 * benchmark's fixed keys) and inproc, counted with
 * the JVM's per-thread allocation counter on every thread that touches a message: the sending
 * application thread, the event loop (one I/O thread, shared by both sockets) and the receiving
 * application thread. The caller's own message (what the sender makes before {@code send}) is
 * measured alone and reported apart, so "socket" is what the library allocates per message.
 *
 * <p>It is a count, not a timing: the figures do not depend on the machine's load. The phases
 * are separated by a barrier (warm-up sent and received, then the counters are read, then the
 * measured messages), so no warm-up message is counted.
 */
public final class SocketPathAllocation {
    static final int[] SIZES = {16, 1024};
    /** "curve" is tcp with the benchmark's CURVE keys: its figures less tcp's are what CURVE adds. */
    static final String[] TRANSPORTS = {"tcp", "curve", "inproc"};
    /**
     * How the receiver takes messages: {@code receive()}, a new message each time, or
     * {@code receive(into)}, into one message of its own again and again (as libzmq's
     * {@code zmq_msg_recv} does).
     */
    static final boolean[] INTO = {false, true};
    private static final String LOOP_PREFIX = "multiThreadIoEventLoopGroup";

    private SocketPathAllocation() {
    }

    /** Bytes per message on each kind of thread for one transport and size. */
    record Figure(String transport, int size, boolean into, double callerMessage, double senderThread,
                  double eventLoop, double receiverThread) {
        /** What the library allocated per message: all threads, less the caller's own message. */
        double socket() {
            return senderThread - callerMessage + eventLoop + receiverThread;
        }
    }

    public static void main(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        for (Figure f : measure(warmUp, measured)) {
            print(f, System.out);
        }
    }

    static void print(Figure f, PrintStream out) {
        out.printf("- %s, %d B, %s: the library %.0f B per message (sending thread %.0f B of which the caller's"
                        + " message %.0f B, event loop %.0f B, receiving thread %.0f B)%n",
                f.transport(), f.size(), f.into() ? "receive(into)" : "receive()", f.socket(), f.senderThread(), f.callerMessage(), f.eventLoop(),
                f.receiverThread());
    }

    static List<Figure> measure(int warmUp, int measured) throws Exception {
        List<Figure> figures = new ArrayList<>();
        for (String transport : TRANSPORTS) {
            for (int size : SIZES) {
                for (boolean into : INTO) {
                    figures.add(measure(transport, size, into, warmUp, measured));
                }
            }
        }
        return figures;
    }

    static Figure measure(String transport, int size, boolean into, int warmUp, int measured) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double callerMessage = callerMessageBytes(mx, size, warmUp, measured);
        try (ZmtpContext context = new ZmtpContext(1, IoBackend.NIO)) {
            Socket pull = context.socket(SocketType.PULL);
            Socket push = context.socket(SocketType.PUSH);
            if (transport.equals("curve")) {
                pull.options().curveServer(true).curveSecretKey(BenchCurve.SERVER_SECRET);
                push.options().curveServerKey(BenchCurve.SERVER_PUBLIC)
                        .curvePublicKey(BenchCurve.CLIENT_PUBLIC).curveSecretKey(BenchCurve.CLIENT_SECRET);
            }
            String endpoint = transport.equals("inproc")
                    ? pull.bind("inproc://socket-path-allocation-" + size + (into ? "-into" : ""))
                    : pull.bind("tcp://127.0.0.1:*");
            push.connect(endpoint);
            CyclicBarrier phase = new CyclicBarrier(2);
            Throwable[] failure = new Throwable[1];
            Thread sender = new Thread(() -> {
                try {
                    sendAll(push, size, warmUp);
                    phase.await(60, TimeUnit.SECONDS); // warm-up received
                    phase.await(60, TimeUnit.SECONDS); // counters read
                    sendAll(push, size, measured);
                    phase.await(60, TimeUnit.SECONDS); // counters read again: a live thread's only
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "allocation sender");
            sender.start();
            long senderId = sender.getId();
            long receiverId = Thread.currentThread().getId();

            Message reused = into ? new Message() : null;
            receiveAll(pull, reused, warmUp, failure);
            phase.await(60, TimeUnit.SECONDS);
            Map<Long, Long> before = allocated(mx);
            String[] loopNames = loopThreadNames(mx, before);
            phase.await(60, TimeUnit.SECONDS);
            receiveAll(pull, reused, measured, failure);
            Map<Long, Long> after = allocated(mx);
            phase.await(60, TimeUnit.SECONDS);
            sender.join(60_000);
            if (failure[0] != null) {
                throw new IllegalStateException("the sender failed", failure[0]);
            }

            double perMessage = measured;
            double loops = 0;
            for (Map.Entry<Long, Long> e : after.entrySet()) {
                Long b = before.get(e.getKey());
                if (b != null && isLoop(e.getKey(), loopNames, mx)) {
                    loops += e.getValue() - b;
                }
            }
            double senderBytes = delta(before, after, senderId);
            double receiverBytes = delta(before, after, receiverId);
            if (reused != null) {
                reused.close();
            }
            push.close();
            pull.close();
            return new Figure(transport, size, into, callerMessage, senderBytes / perMessage, loops / perMessage,
                    receiverBytes / perMessage);
        }
    }

    private static double delta(Map<Long, Long> before, Map<Long, Long> after, long id) {
        Long b = before.get(id);
        Long a = after.get(id);
        if (b == null || a == null) {
            throw new IllegalStateException("thread " + id + " was not counted in both phases");
        }
        return a - b;
    }

    /**
     * The bytes a caller allocates to make one message as the perf tools do, measured alone. Each
     * message is kept in a small ring until a later one replaces it, so that it escapes as a sent one
     * does: a message made and dropped at once may be taken apart by the JIT's escape analysis and
     * allocate less than the ones the sender makes (it measured 96 B against 120-144 B).
     */
    private static double callerMessageBytes(com.sun.management.ThreadMXBean mx, int size, int warmUp, int measured) {
        long keep = 0;
        Message[] held = new Message[64];
        for (int i = 0; i < warmUp; i++) {
            keep += hold(held, i, newMessage(size));
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < measured; i++) {
            keep += hold(held, i, newMessage(size));
        }
        long after = mx.getCurrentThreadAllocatedBytes();
        for (Message m : held) {
            if (m != null) {
                m.close();
            }
        }
        if (keep != (long) warmUp + measured) {
            throw new IllegalStateException("lost a message: " + keep);
        }
        return (after - before) / (double) measured;
    }

    private static int hold(Message[] held, int i, Message m) {
        int slot = i & (held.length - 1);
        if (held[slot] != null) {
            held[slot].close();
        }
        held[slot] = m;
        return m.size();
    }

    /** One time-out for every call: a Duration made per call would be counted as the library's. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static Message newMessage(int size) {
        return new Message().add(Unpooled.wrappedBuffer(new byte[size]));
    }

    private static void sendAll(Socket push, int size, int count) {
        for (int i = 0; i < count; i++) {
            if (!push.send(newMessage(size), PATIENCE)) {
                throw new IllegalStateException("send stalled for 60 s at message " + i);
            }
        }
    }

    /** Receives {@code count} messages: each a new one, or all into {@code into} when it is not null. */
    private static void receiveAll(Socket pull, Message into, int count, Throwable[] failure) {
        for (int i = 0; i < count; i++) {
            boolean got;
            if (into != null) {
                got = pull.receive(into, PATIENCE);
            } else {
                Message m = pull.receive(PATIENCE);
                got = m != null;
                if (got) {
                    m.close();
                }
            }
            if (!got) {
                throw new IllegalStateException("receive stalled for 60 s at message " + i
                        + (failure[0] == null ? "" : ": " + failure[0]));
            }
        }
    }

    private static Map<Long, Long> allocated(com.sun.management.ThreadMXBean mx) {
        long[] ids = mx.getAllThreadIds();
        long[] bytes = mx.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                out.put(ids[i], bytes[i]);
            }
        }
        return out;
    }

    private static String[] loopThreadNames(com.sun.management.ThreadMXBean mx, Map<Long, Long> threads) {
        List<String> names = new ArrayList<>();
        for (Long id : threads.keySet()) {
            java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
            if (info != null && info.getThreadName().startsWith(LOOP_PREFIX)) {
                names.add(info.getThreadName());
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no event loop thread found");
        }
        return names.toArray(new String[0]);
    }

    private static boolean isLoop(long id, String[] loopNames, com.sun.management.ThreadMXBean mx) {
        java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
        if (info == null) {
            return false;
        }
        for (String n : loopNames) {
            if (n.equals(info.getThreadName())) {
                return true;
            }
        }
        return false;
    }
}
