package io.zmtp.config.server;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-address token buckets: a burst, then the rate; bounded however many addresses fail. */
class AuthFailureLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    private void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000L);
    }

    @Test
    void anAddressIsLimitedAfterItsBurstAndGetsATokenBackAtTheRate() {
        AuthFailureLimiter l = new AuthFailureLimiter(new AuthFailureLimit(3, 2.0), 100, now::get);
        for (int i = 0; i < 3; i++) {
            assertThat(l.mayTry("10.0.0.1")).isTrue();
            l.failed("10.0.0.1");
        }
        assertThat(l.mayTry("10.0.0.1")).isFalse();
        assertThat(l.mayTry("10.0.0.2")).as("another address is not affected").isTrue();
        advanceMillis(400);
        assertThat(l.mayTry("10.0.0.1")).isFalse();
        advanceMillis(100);
        assertThat(l.mayTry("10.0.0.1")).isTrue();
        l.failed("10.0.0.1");
        assertThat(l.mayTry("10.0.0.1")).isFalse();
        advanceMillis(60_000);
        for (int i = 0; i < 3; i++) {
            assertThat(l.mayTry("10.0.0.1")).as("the bucket holds no more than the burst").isTrue();
            l.failed("10.0.0.1");
        }
        assertThat(l.mayTry("10.0.0.1")).isFalse();
    }

    @Test
    void manyAddressesShareOneBucketBeyondTheBoundAndIdleOnesAreDropped() {
        AuthFailureLimiter l = new AuthFailureLimiter(new AuthFailureLimit(2, 1.0), 50, now::get);
        for (int a = 0; a < 10_000; a++) {
            l.failed("10.1." + (a / 256) + "." + (a % 256));
        }
        assertThat(l.trackedAddresses()).isEqualTo(50);
        assertThat(l.mayTry("10.9.9.9")).as("addresses beyond the bound share an empty bucket").isFalse();
        advanceMillis(5_000);
        l.failed("10.9.9.9");
        assertThat(l.trackedAddresses()).as("refilled buckets were dropped to make room").isEqualTo(1);
        assertThat(l.mayTry("10.9.9.9")).isTrue();
    }

    @Test
    void offMeansNoLimitAndBadSettingsAreRefused() {
        AuthFailureLimiter l = new AuthFailureLimiter(AuthFailureLimit.OFF, 10, now::get);
        for (int i = 0; i < 1000; i++) {
            l.failed("10.0.0.1");
        }
        assertThat(l.mayTry("10.0.0.1")).isTrue();
        assertThat(l.trackedAddresses()).isZero();
        assertThatThrownBy(() -> new AuthFailureLimit(-1, 1)).hasMessageContaining("burst");
        assertThatThrownBy(() -> new AuthFailureLimit(5, 0)).hasMessageContaining("rate");
        assertThatThrownBy(() -> new AuthFailureLimit(5, Double.NaN)).hasMessageContaining("rate");
    }
}
