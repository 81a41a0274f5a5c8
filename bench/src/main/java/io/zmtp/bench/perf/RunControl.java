package io.zmtp.bench.perf;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a tool's {@code run} is watched from outside; the command line uses {@link #DEFAULT}.
 * Tests give a stall timeout, so a run whose peer never shows up fails instead of blocking for
 * ever, and a listener that learns the endpoint actually bound (e.g. the port picked for
 * {@code tcp://127.0.0.1:*}).
 */
public final class RunControl {
    /** Block for ever like libzmq's tools; nobody is told the bound endpoint. */
    public static final RunControl DEFAULT = new RunControl(null, endpoint -> {
    });

    private final Duration stallTimeout;
    private final Consumer<String> onBound;

    private RunControl(Duration stallTimeout, Consumer<String> onBound) {
        this.stallTimeout = stallTimeout;
        this.onBound = onBound;
    }

    /**
     * Gives up when a single send, receive, or the final linger waits longer than
     * {@code stallTimeout}; the run then throws {@link PerfException}.
     */
    public static RunControl withStallTimeout(Duration stallTimeout) {
        if (stallTimeout.isNegative()) {
            throw new IllegalArgumentException("stall timeout must not be negative: " + stallTimeout);
        }
        return new RunControl(stallTimeout, DEFAULT.onBound);
    }

    /** The same control, also telling {@code listener} the endpoint a tool bound. */
    public RunControl onBound(Consumer<String> listener) {
        return new RunControl(stallTimeout, Objects.requireNonNull(listener));
    }

    /** The stall timeout in milliseconds, -1 for none. */
    long stallMillis() {
        return stallTimeout == null ? -1 : stallTimeout.toMillis();
    }

    void bound(String endpoint) {
        onBound.accept(endpoint);
    }
}
