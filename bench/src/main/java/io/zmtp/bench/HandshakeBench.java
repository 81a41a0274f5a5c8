package io.zmtp.bench;

import io.zmtp.codec.curve.Z85;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the CURVE handshake benchmark's tools share ({@code curve_hs_server} / {@code curve_hs_client}
 * of ours and of the JeroMQ twins; {@code bench/native/zmq_perf.c} holds the same rules): the key
 * set the server's ZAP handler admits, the request each connection sends, the clocks and the lines
 * the tools print.
 *
 * <p>The key set is {@value #KEY_SET_SIZE} public keys: the benchmark client's
 * ({@link BenchCurve#CLIENT_PUBLIC}) and {@value #KEY_SET_SIZE}-1 made by splitmix64 from a fixed
 * seed, so every implementation admits the same keys. The generated ones are only members of the
 * set (no secret key belongs to them): they make the lookup a lookup in a set of realistic size.
 */
public final class HandshakeBench {
    /** Public keys the server admits. */
    public static final int KEY_SET_SIZE = 1000;
    /** Seed of the generated keys ("ZMTP-HS" in ASCII); zmq_perf.c uses the same. */
    static final long KEY_SEED = 0x5A4D_5450_2D48_53L;
    /** What each connection sends once its handshake is done; the server sends it back. */
    public static final byte[] REQUEST = {'h', 's'};
    /** Connections a client keeps in flight when not told otherwise. */
    public static final int DEFAULT_PARALLEL = 16;
    /** The most connections in flight (libzmq's and JeroMQ's contexts allow 1023 sockets by default). */
    public static final int MAX_PARALLEL = 512;
    /** The server's ROUTER lingers this long for its last replies, then closes. */
    public static final int SERVER_LINGER_MILLIS = 1_000;
    /** How long a client waits in one receive before it checks whether the run was stopped. */
    public static final int RECEIVE_SLICE_MILLIS = 200;
    /** The user id the ZAP handlers of the Java twins and the C peer give an admitted client. */
    public static final String USER_ID = "bench";

    private HandshakeBench() {
    }

    /** The {@value #KEY_SET_SIZE} admitted public keys, 32 bytes each; the benchmark client's first. */
    public static List<byte[]> keySet() {
        List<byte[]> keys = new ArrayList<>(KEY_SET_SIZE);
        keys.add(Z85.decode(BenchCurve.CLIENT_PUBLIC));
        long[] state = {KEY_SEED};
        while (keys.size() < KEY_SET_SIZE) {
            byte[] key = new byte[32];
            for (int word = 0; word < 4; word++) {
                long v = splitmix64(state);
                for (int b = 0; b < 8; b++) {
                    key[word * 8 + b] = (byte) (v >>> (8 * b));
                }
            }
            keys.add(key);
        }
        return Collections.unmodifiableList(keys);
    }

    /** The key set in Z85, for authenticators that take text keys. */
    public static List<String> keySetZ85() {
        return keySet().stream().map(Z85::encode).toList();
    }

    /** The key set as a hash set (ByteBuffer compares content), for the ZAP handlers. */
    public static Set<ByteBuffer> keyLookup() {
        Set<ByteBuffer> set = new HashSet<>(KEY_SET_SIZE * 2);
        for (byte[] k : keySet()) {
            set.add(ByteBuffer.wrap(k));
        }
        return Collections.unmodifiableSet(set);
    }

    /** splitmix64 (Steele, Lea, Flood): the next value of the stream whose state is {@code state[0]}. */
    static long splitmix64(long[] state) {
        long z = state[0] += 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** CPU time of this whole process (every thread: application, I/O, GC, JIT) in ns; -1 if unknown. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * The server's window: opened by the first authentication request it sees (wall clock and
     * process CPU time), closed when the last counted request has arrived. Thread-safe: the ZAP
     * handler opens it, the server's receiving thread closes it.
     */
    public static final class Window {
        private final AtomicBoolean opened = new AtomicBoolean();
        private long startNanos;
        private long startCpuNanos;
        /** Written after the two above: reading true makes them visible. */
        private volatile boolean started;

        /** Opens the window if this is the first call. */
        public void open() {
            if (!opened.get() && opened.compareAndSet(false, true)) {
                startCpuNanos = processCpuNanos();
                startNanos = System.nanoTime();
                started = true;
            }
        }

        /**
         * Closes the window: what the server measured over {@code handshakes} completed handshakes.
         * A window never opened (the implementation asked no ZAP handler) counts from {@code fallbackStart}.
         */
        public ServerResult close(long handshakes, long accepted, long refused, long fallbackStartNanos, long fallbackStartCpu) {
            long endNanos = System.nanoTime();
            long endCpu = processCpuNanos();
            long s = started ? startNanos : fallbackStartNanos;
            long sc = started ? startCpuNanos : fallbackStartCpu;
            return new ServerResult(handshakes, accepted, refused, endNanos - s, endCpu < 0 || sc < 0 ? -1 : endCpu - sc);
        }
    }

    /**
     * What curve_hs_server measured.
     *
     * @param handshakes   completed handshakes (requests answered), the count it was given
     * @param accepted     authentication requests its ZAP handler admitted
     * @param refused      authentication requests its ZAP handler refused
     * @param elapsedNanos from the first authentication request to the last request in
     * @param cpuNanos     process CPU time over the same window, -1 if unknown
     */
    public record ServerResult(long handshakes, long accepted, long refused, long elapsedNanos, long cpuNanos) {
        public long handshakesPerSecond() {
            return rate(handshakes, elapsedNanos);
        }

        /** Microseconds of process CPU time per handshake, -1 if unknown. */
        public double cpuMicrosPerHandshake() {
            return cpuNanos < 0 ? -1 : cpuNanos / 1_000d / handshakes;
        }

        public void print(PrintStream out) {
            printf(out, "handshake count: %d%n", handshakes);
            printf(out, "key set: %d keys%n", KEY_SET_SIZE);
            printf(out, "authentications: %d accepted, %d refused%n", accepted, refused);
            printf(out, "mean handshakes: %d [hs/s]%n", handshakesPerSecond());
            printf(out, "cpu per handshake: %.1f [us]%n", cpuMicrosPerHandshake());
            out.flush();
        }
    }

    /**
     * What curve_hs_client measured.
     *
     * @param handshakes   connections opened, each answered once
     * @param parallel     connections in flight at most
     * @param elapsedNanos from before the first socket to after the last close
     */
    public record ClientResult(long handshakes, int parallel, long elapsedNanos) {
        public long handshakesPerSecond() {
            return rate(handshakes, elapsedNanos);
        }

        public void print(PrintStream out) {
            printf(out, "handshake count: %d%n", handshakes);
            printf(out, "parallel: %d%n", parallel);
            printf(out, "elapsed: %.3f [s]%n", elapsedNanos / 1e9);
            printf(out, "mean handshakes: %d [hs/s]%n", handshakesPerSecond());
            out.flush();
        }
    }

    /** Per second, truncated like libzmq's tools: {@code count / elapsed_us * 1e6}. */
    static long rate(long count, long elapsedNanos) {
        long micros = Math.max(1, elapsedNanos / 1_000);
        return (long) ((double) count / (double) micros * 1_000_000d);
    }

    private static void printf(PrintStream out, String format, Object... args) {
        out.printf(Locale.ROOT, format, args);
    }
}
