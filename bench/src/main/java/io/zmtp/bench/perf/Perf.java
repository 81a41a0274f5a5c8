package io.zmtp.bench.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.zmtp.bench.BenchCurve;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.socket.IoBackend;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** What the perf tools share: argument parsing, the event loop choice, messages, exit codes. */
final class Perf {
    /** System property naming the event loop; read by the socket library as well. */
    static final String IO_PROPERTY = IoBackend.PROPERTY;
    /** Environment variable mapped onto {@link #IO_PROPERTY} when the property is not set. */
    static final String IO_ENV = "ZMTP_IO";
    /** System property choosing the endpoint of inproc_thr and inproc_lat. */
    static final String ENDPOINT_PROPERTY = "zmtp.perf.endpoint";
    /** Environment variable choosing the endpoint of inproc_thr and inproc_lat. */
    static final String ENDPOINT_ENV = "ZMTP_PERF_ENDPOINT";

    static final int EXIT_USAGE = 1;
    /** libzmq's tools {@code return -1} on a failed call. */
    static final int EXIT_FAILURE = 255;

    private Perf() {
    }

    // ------------------------------------------------------------------ arguments

    static void requireArgCount(String[] args, int expected, String usage) {
        if (args == null || args.length != expected) {
            throw new UsageException(usage, null);
        }
    }

    /** A message size: a whole number of bytes, 0 allowed. */
    static int messageSize(String text, String usage) {
        long v = parse(text, "message-size", usage);
        if (v < 0 || v > Integer.MAX_VALUE - 64) {
            throw new UsageException(usage, "message-size must be between 0 and " + (Integer.MAX_VALUE - 64) + ", got '" + text + "'");
        }
        return (int) v;
    }

    /** A message or round-trip count: at least 1. */
    static long count(String text, String name, String usage) {
        long v = parse(text, name, usage);
        if (v < 1) {
            throw new UsageException(usage, name + " must be at least 1, got '" + text + "'");
        }
        return v;
    }

    /** The most subscribers one pub_thr or sub_thr run takes (sub_thr starts a thread for each). */
    static final int MAX_SUBSCRIBERS = 1000;

    /** A number of subscribers: 1 to {@value #MAX_SUBSCRIBERS}. */
    static int subscribers(String text, String usage) {
        long v = parse(text, "subscribers", usage);
        if (v < 1 || v > MAX_SUBSCRIBERS) {
            throw new UsageException(usage, "subscribers must be between 1 and " + MAX_SUBSCRIBERS + ", got '" + text + "'");
        }
        return (int) v;
    }

    /** The filters argument of sub_thr: subscriptions per SUB, 1 to {@link SubscriptionFilters#MAX}. */
    static int filters(String text, String usage) {
        long v = parse(text, "filters", usage);
        if (v < 1 || v > SubscriptionFilters.MAX) {
            throw new UsageException(usage, "filters must be between 1 and " + SubscriptionFilters.MAX + ", got '" + text + "'");
        }
        return (int) v;
    }

    private static long parse(String text, String name, String usage) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(usage, name + " must be a whole number, got '" + text + "'");
        }
    }

    // ------------------------------------------------------------------ event loop and endpoints

    /**
     * The event loop named by {@code -Dzmtp.io}, else by {@code ZMTP_IO}, else NIO.
     * The name is matched against what {@link IoBackend} offers (case-insensitive, '-' taken
     * as '_'); a backend whose native library cannot load falls back to NIO with a log line,
     * as the library does. A name the library does not offer is a usage error.
     */
    static IoBackend ioBackend(String usage) {
        String name = System.getProperty(IO_PROPERTY);
        String from = "-D" + IO_PROPERTY;
        if (name == null || name.isBlank()) {
            name = System.getenv(IO_ENV);
            from = IO_ENV;
            if (name == null || name.isBlank()) {
                return IoBackend.NIO;
            }
            // Keep the library's own reading of the property in step with the tool's.
            System.setProperty(IO_PROPERTY, name.trim());
        }
        String wanted = name.trim().replace('-', '_');
        for (IoBackend t : IoBackend.values()) {
            if (t.name().equalsIgnoreCase(wanted)) {
                return t.orFallback();
            }
        }
        String supported = Arrays.stream(IoBackend.values()).map(t -> t.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new UsageException(usage, "event loop '" + name.trim() + "' (from " + from
                + ") is not one this socket library has (supported: " + supported + ")");
    }

    /** The endpoint of an in-process tool: {@code -Dzmtp.perf.endpoint}, {@code ZMTP_PERF_ENDPOINT}, or the default. */
    static String inprocEndpoint(String defaultEndpoint) {
        String ep = System.getProperty(ENDPOINT_PROPERTY);
        if (ep == null || ep.isBlank()) {
            ep = System.getenv(ENDPOINT_ENV);
        }
        return ep == null || ep.isBlank() ? defaultEndpoint : ep.trim();
    }

    /**
     * Whether this run goes over CURVE ({@code -Dzmtp.perf.curve} or {@code ZMTP_PERF_CURVE}, see
     * {@link BenchCurve}); a value it does not understand is a usage error.
     */
    static boolean curve(String usage) {
        try {
            return BenchCurve.requested();
        } catch (IllegalArgumentException e) {
            throw new UsageException(usage, e.getMessage());
        }
    }

    /** Makes {@code socket} the CURVE server of the benchmark's fixed keys. */
    static void curveServer(Socket socket) {
        socket.options().curveServer(true).curveSecretKey(BenchCurve.SERVER_SECRET);
    }

    /** Makes {@code socket} a CURVE client of the benchmark's fixed keys. */
    static void curveClient(Socket socket) {
        socket.options().curveServerKey(BenchCurve.SERVER_PUBLIC)
                .curvePublicKey(BenchCurve.CLIENT_PUBLIC).curveSecretKey(BenchCurve.CLIENT_SECRET);
    }

    /** Binds, returning the endpoint actually bound. */
    static String bind(Socket socket, String endpoint) {
        try {
            String bound = socket.bind(endpoint);
            return bound == null ? endpoint : bound;
        } catch (RuntimeException e) {
            throw new PerfException("error in bind: " + endpoint + ": " + e.getMessage(), e);
        }
    }

    static void connect(Socket socket, String endpoint) {
        try {
            socket.connect(endpoint);
        } catch (RuntimeException e) {
            throw new PerfException("error in connect: " + endpoint + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ messages

    /**
     * A one-frame message of {@code size} bytes, in the buffer a user would pick for that size: a
     * small one on the heap (the encoder copies it into its batch anyway, and a heap array costs
     * less to make and drop than a pooled buffer), a large one from Netty's pooled direct allocator
     * (written to the socket as it is, without a copy). Like libzmq's {@code zmq_msg_init_size}
     * the content is not set: a heap array is zeroed, a pooled buffer holds what it held.
     */
    static Message newMessage(int size) {
        ByteBuf payload;
        if (size <= FrameEncoder.COPY_THRESHOLD) {
            payload = Unpooled.wrappedBuffer(new byte[size]);
        } else {
            payload = ByteBufAllocator.DEFAULT.directBuffer(size, size);
            payload.writerIndex(size);
            // A pooled buffer holds whatever was there; pub_thr's topic is its first bytes.
            payload.setZero(0, Math.min(size, SubscriptionFilters.ZERO_PREFIX));
        }
        return new Message().add(payload);
    }

    /** Sends, turning a stall past the socket's SNDTIMEO into a {@link PerfException}. */
    static void send(Socket socket, Message message) {
        boolean sent;
        try {
            sent = socket.send(message);
        } catch (RuntimeException e) {
            message.close();
            throw new PerfException("error in send: " + e.getMessage(), e);
        }
        if (!sent) {
            message.close();
            throw new PerfException("error in send: no room to send for " + socket.options().sendTimeout() + " ms");
        }
    }

    /** Receives one message of {@code size} bytes in one frame; closes it and fails otherwise. */
    static Message receive(Socket socket, int size) {
        Message m;
        try {
            m = socket.receive();
        } catch (RuntimeException e) {
            throw new PerfException("error in receive: " + e.getMessage(), e);
        }
        if (m == null) {
            throw new PerfException("error in receive: nothing arrived for " + socket.options().receiveTimeout() + " ms");
        }
        if (m.size() != 1 || m.frame(0).readableBytes() != size) {
            m.close();
            throw new PerfException("message of incorrect size received");
        }
        return m;
    }

    /**
     * Receives into {@code into} (one message for the whole run, as libzmq's perf tools reuse one
     * {@code zmq_msg_t}) and checks it is one frame of {@code size} bytes.
     */
    static void receive(Socket socket, Message into, int size) {
        boolean got;
        try {
            got = socket.receive(into);
        } catch (RuntimeException e) {
            throw new PerfException("error in receive: " + e.getMessage(), e);
        }
        if (!got) {
            throw new PerfException("error in receive: nothing arrived for " + socket.options().receiveTimeout() + " ms");
        }
        if (into.size() != 1 || into.frame(0).readableBytes() != size) {
            throw new PerfException("message of incorrect size received");
        }
    }

    static double micros(long nanos) {
        return nanos / 1_000d;
    }

    // ------------------------------------------------------------------ output and exit

    static void printf(PrintStream out, String format, Object... args) {
        out.printf(Locale.ROOT, format, args);
    }

    /** Runs a tool's body as {@code main}: prints usage or the failure to stderr and exits. */
    static void main(String tool, Callable<?> body) {
        int status;
        try {
            body.call();
            status = 0;
        } catch (UsageException e) {
            if (e.detail() != null) {
                System.err.println(tool + ": " + e.detail());
            }
            System.err.println(e.usage());
            status = EXIT_USAGE;
        } catch (PerfException e) {
            System.err.println(e.getMessage());
            status = EXIT_FAILURE;
        } catch (Exception e) {
            System.err.println(tool + ": " + e);
            e.printStackTrace(System.err);
            status = EXIT_FAILURE;
        }
        System.out.flush();
        System.err.flush();
        // Exit at once rather than wait for Netty's global threads to wind down.
        System.exit(status);
    }
}
