package io.zmtp.bench;

import java.util.Locale;

/**
 * The switch and the keys of the CURVE throughput runs ({@code ZMTP_PERF_CURVE=1}), shared by our
 * perf tools and their JeroMQ twins; {@code bench/native/zmq_perf.c} holds the same keys, so any
 * two implementations can face each other. local_thr is the CURVE server, remote_thr its client.
 *
 * <p>The keys are fixed so that no key has to travel between the two processes of a run. They
 * are benchmark-only keys, published here: never use them to protect anything.
 */
public final class BenchCurve {
    /** System property turning CURVE on; tests use it, as they cannot set the environment. */
    public static final String PROPERTY = "zmtp.perf.curve";
    /** Environment variable turning CURVE on when the property is not set. */
    public static final String ENV = "ZMTP_PERF_CURVE";

    /** The server's (local_thr's) permanent public key, Z85. Benchmark-only. */
    public static final String SERVER_PUBLIC = "AOZ3aa(qyE[d.R%=ezO78iy=>yeaTBfk=R59?qaD";
    /** The server's permanent secret key, Z85. Benchmark-only. */
    public static final String SERVER_SECRET = "1xychLr{6+mdWSN{^c?h^y.j$j)tK&%8#xJexBQT";
    /** The client's (remote_thr's) permanent public key, Z85. Benchmark-only. */
    public static final String CLIENT_PUBLIC = "a=+20K3Bj!W]36bzPS$.uML?lrBkvR:wKAA0.@$w";
    /** The client's permanent secret key, Z85. Benchmark-only. */
    public static final String CLIENT_SECRET = "s&f8XroZsi*$VxRE>>Bze!wY-OJcD-OR/2SIY]A0";

    private BenchCurve() {
    }

    /**
     * Whether the run is over CURVE: {@code -Dzmtp.perf.curve}, else {@code ZMTP_PERF_CURVE}.
     * On: 1, true, yes, on; off: unset, empty, 0, false, no, off (any case). Any other value is
     * refused rather than read as off, so a typo cannot pass a plain run off as a CURVE one.
     *
     * @throws IllegalArgumentException naming the setting and the value it did not understand
     */
    public static boolean requested() {
        String value = System.getProperty(PROPERTY);
        String from = "-D" + PROPERTY;
        if (value == null) {
            value = System.getenv(ENV);
            from = ENV;
        }
        if (value == null) {
            return false;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on":
                return true;
            case "", "0", "false", "no", "off":
                return false;
            default:
                throw new IllegalArgumentException(from + " must be 1 (CURVE) or 0 (plain), got '" + value + "'");
        }
    }
}
