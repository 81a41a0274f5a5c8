package io.zmtp.config.server;

import io.zmtp.codec.UntrustedText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Logs refused connection attempts at most once per interval: a refusal after a quiet interval
 * is logged at once, and the ones that follow within the interval are summed up in one line when
 * it is over (the server's heartbeat calls {@link #flushIfDue}). A wrong-password flood (about
 * 1,500 attempts a second from one host) so costs one line per interval, not one per attempt.
 */
final class RefusalLogLine {
    private static final Logger log = LoggerFactory.getLogger(ConfigServer.class);
    private static final int MAX_ADDRESSES_COUNTED = 1000;

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long loggedAt;
    private long refused;
    private long limited;
    private final Set<String> addresses = new HashSet<>();
    private Whitelist.Refusal last;

    RefusalLogLine(Duration interval) {
        this(interval, System::nanoTime);
    }

    RefusalLogLine(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.loggedAt = nanoClock.getAsLong() - intervalNanos;
    }

    /** Counts a refusal; logs now when the last line is an interval old. */
    synchronized void refused(Whitelist.Refusal r, boolean rateLimited) {
        refused++;
        if (rateLimited) {
            limited++;
        }
        if (addresses.size() < MAX_ADDRESSES_COUNTED) {
            addresses.add(String.valueOf(r.address()));
        }
        last = r;
        flushIfDue();
    }

    /** Logs the refusals counted since the last line, if there are any and the interval is over. */
    synchronized void flushIfDue() {
        long now = nanoClock.getAsLong();
        if (refused == 0 || now - loggedAt < intervalNanos) {
            return;
        }
        if (refused == 1) {
            log.warn("refused a connection on the {} port: user '{}' from {}: {}", last.port(),
                    UntrustedText.of(last.user()), UntrustedText.of(last.address()), UntrustedText.of(last.reason()));
        } else {
            log.warn("refused {} connection attempts ({} of them rate-limited) from {} address(es) in the last {} s;"
                            + " last: user '{}' from {} on the {} port: {}", refused, limited,
                    addresses.size() >= MAX_ADDRESSES_COUNTED ? MAX_ADDRESSES_COUNTED + "+" : addresses.size(),
                    Math.max(1, (now - loggedAt) / 1_000_000_000L), UntrustedText.of(last.user()),
                    UntrustedText.of(last.address()), last.port(), UntrustedText.of(last.reason()));
        }
        loggedAt = now;
        refused = 0;
        limited = 0;
        addresses.clear();
        last = null;
    }
}
