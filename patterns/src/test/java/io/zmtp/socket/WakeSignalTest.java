package io.zmtp.socket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wake-up hand-shake of the NIO loops, step by step in the orders two threads can take: a
 * signal claimed while the loop takes the pipe's bytes must not be left set with no byte behind it
 * (every later sender would then skip its byte, and a sleeping loop would see tasks only when
 * something else woke it).
 */
class WakeSignalTest {
    /** The pipe, as a count of bytes written and not yet read. */
    private int bytes;

    /** A loop about to block in its select. */
    private static WakeSignal asleep() {
        WakeSignal s = new WakeSignal();
        s.sleep();
        return s;
    }

    /** A sender that saw the loop asleep reaches its claim: it writes a byte if it won. */
    private void claimAndWrite(WakeSignal s) {
        if (s.claim()) {
            bytes++;
        }
    }

    private void assertNoSignalWithoutAByte(WakeSignal s) {
        assertThat(!s.isSignalled() || bytes > 0)
                .as("signalled %s with %d bytes in the pipe", s.isSignalled(), bytes).isTrue();
    }

    @Test
    void aClaimWhileTheLoopReadsIsNotSwallowedByTheRead() {
        WakeSignal s = asleep();
        // The first sender wakes the loop.
        assertThat(s.isSleeping()).isTrue();
        claimAndWrite(s);
        assertThat(bytes).isEqualTo(1);
        // A second sender saw the loop asleep too, and reaches its claim while the loop is taking
        // the bytes, its own byte (if it wins) arriving before the read.
        boolean sawSleeping = s.isSleeping();
        s.consumed(() -> {
            if (sawSleeping) {
                claimAndWrite(s);
            }
            bytes = 0;
        });
        assertNoSignalWithoutAByte(s);
        // The loop goes back to sleep; the next sender must be able to wake it.
        s.sleep();
        assertThat(s.isSleeping()).isTrue();
        claimAndWrite(s);
        assertThat(bytes).as("the next sender writes a byte").isEqualTo(1);
    }

    @Test
    void aClaimAfterTheReadWritesAByteTheReadDidNotTake() {
        WakeSignal s = asleep();
        boolean sawSleeping = s.isSleeping();
        claimAndWrite(s);
        s.consumed(() -> bytes = 0);
        if (sawSleeping) {
            claimAndWrite(s);
        }
        assertThat(bytes).as("a late claim writes its byte for the next select").isEqualTo(1);
        assertNoSignalWithoutAByte(s);
        // The loop wakes for it and takes it; nothing is left claimed.
        s.consumed(() -> bytes = 0);
        assertThat(s.isSignalled()).isFalse();
        assertNoSignalWithoutAByte(s);
    }

    @Test
    void whileOneByteIsOnItsWayNoOtherSenderWrites() {
        WakeSignal s = asleep();
        for (int i = 0; i < 5; i++) {
            claimAndWrite(s);
        }
        assertThat(bytes).isEqualTo(1);
        s.unclaim();
        claimAndWrite(s);
        assertThat(bytes).as("a claim given back (its write failed) can be taken again").isEqualTo(2);
    }

    @Test
    void anAwakeLoopIsNotSignalled() {
        WakeSignal s = asleep();
        s.awake();
        assertThat(s.isSleeping()).isFalse();
        s.consumed(() -> { });
        assertThat(s.isSleeping()).isFalse();
        assertThat(s.isSignalled()).isFalse();
    }
}
