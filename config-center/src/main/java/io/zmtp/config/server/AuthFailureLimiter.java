package io.zmtp.config.server;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The token buckets of {@link AuthFailureLimit}, one per source address. Called on the sockets'
 * event loops, so it never blocks beyond a short lock. Its memory is bounded: at most
 * {@code maxAddresses} buckets; idle (refilled) buckets are dropped to make room, and when none
 * is idle the addresses that do not fit share one bucket, so spreading a flood over many
 * addresses does not lift the limit either.
 */
final class AuthFailureLimiter {
    static final int DEFAULT_MAX_ADDRESSES = 10_000;
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final AuthFailureLimit limit;
    private final int maxAddresses;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Bucket shared;
    private long sweptAt;

    AuthFailureLimiter(AuthFailureLimit limit) {
        this(limit, DEFAULT_MAX_ADDRESSES, System::nanoTime);
    }

    AuthFailureLimiter(AuthFailureLimit limit, int maxAddresses, LongSupplier nanoClock) {
        this.limit = limit;
        this.maxAddresses = maxAddresses;
        this.nanoClock = nanoClock;
        this.shared = new Bucket(limit.burst(), nanoClock.getAsLong());
        this.sweptAt = nanoClock.getAsLong() - SWEEP_EVERY_NANOS;
    }

    /** True when {@code address} may try to authenticate now (it has a token left). */
    synchronized boolean mayTry(String address) {
        if (!limit.enabled()) {
            return true;
        }
        Bucket b = buckets.get(address);
        if (b == null) {
            return refill(shared, nanoClock.getAsLong()) >= 1 || buckets.size() < maxAddresses;
        }
        return refill(b, nanoClock.getAsLong()) >= 1;
    }

    /** Takes a token from {@code address}: it failed to authenticate. */
    synchronized void failed(String address) {
        if (!limit.enabled()) {
            return;
        }
        long now = nanoClock.getAsLong();
        Bucket b = buckets.get(address);
        if (b == null) {
            if (buckets.size() >= maxAddresses) {
                sweep(now);
            }
            if (buckets.size() >= maxAddresses) {
                b = shared;
            } else {
                b = new Bucket(limit.burst(), now);
                buckets.put(address, b);
            }
        }
        refill(b, now);
        b.tokens = Math.max(0, b.tokens - 1);
    }

    /** Addresses with a bucket of their own (for tests and status). */
    synchronized int trackedAddresses() {
        return buckets.size();
    }

    private double refill(Bucket b, long now) {
        double elapsed = (now - b.at) / 1e9;
        b.at = now;
        b.tokens = Math.min(limit.burst(), b.tokens + elapsed * limit.perSecond());
        return b.tokens;
    }

    private void sweep(long now) {
        if (now - sweptAt < SWEEP_EVERY_NANOS) {
            return;
        }
        sweptAt = now;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (refill(it.next(), now) >= limit.burst()) {
                it.remove();
            }
        }
    }
}
