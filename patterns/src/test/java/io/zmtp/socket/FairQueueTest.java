package io.zmtp.socket;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader's fair queue: one message per peer in turn, and no message lost to a reader parking. */
class FairQueueTest {
    private final FairQueue fq = new FairQueue();

    /** What the loop does: offer, publish, and hand the reader back if it was parked. */
    private void publish(PipeReader r, String... texts) {
        for (String t : texts) {
            assertThat(r.ring.offer(Message.of(t))).isTrue();
        }
        r.ring.publish();
        if (r.isParked() && r.unpark()) {
            fq.activate(r);
        }
    }

    private String next() {
        try (Message m = fq.next()) {
            return m == null ? null : m.string(0);
        }
    }

    @Test
    void aBusyPeerGetsNoMoreThanOneMessageAheadOfAQuietOne() {
        PipeReader busy = new PipeReader(null, 1000);
        PipeReader quiet = new PipeReader(null, 1000);
        String[] flood = new String[500];
        java.util.Arrays.fill(flood, "busy");
        publish(busy, flood);
        assertThat(next()).isEqualTo("busy");
        publish(quiet, "quiet");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(next());
        }
        assertThat(order).containsExactly("busy", "quiet", "busy", "busy");
        for (int i = 0; i < 496; i++) {
            assertThat(next()).isEqualTo("busy");
        }
        assertThat(next()).isNull();
        assertThat(busy.isParked()).isTrue();
        assertThat(quiet.isParked()).isTrue();
    }

    @Test
    void aParkedReaderComesBackWithItsNextMessage() {
        PipeReader r = new PipeReader(null, 4);
        assertThat(next()).isNull();
        publish(r, "a");
        assertThat(fq.anyReady()).isTrue();
        assertThat(next()).isEqualTo("a");
        assertThat(next()).isNull();
        assertThat(fq.anyReady()).isFalse();
        publish(r, "b", "c");
        assertThat(next()).isEqualTo("b");
        assertThat(next()).isEqualTo("c");
    }

    @Test
    void aPublisherRacingTheReaderLosesNothing() throws Exception {
        // One producer thread publishing one message at a time, the reader taking as it parks and
        // is handed back: every message arrives once, in order.
        PipeReader r = new PipeReader(null, 8);
        int count = 200_000;
        CountDownLatch done = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                Message m = Message.of(Integer.toString(i));
                while (!r.ring.offer(m)) {
                    Thread.onSpinWait();
                }
                r.ring.publish();
                if (r.isParked() && r.unpark()) {
                    fq.activate(r);
                }
            }
            done.countDown();
        });
        producer.start();
        int expected = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (expected < count && System.nanoTime() < deadline) {
            try (Message m = fq.next()) {
                if (m != null) {
                    assertThat(m.string(0)).isEqualTo(Integer.toString(expected));
                    expected++;
                }
            }
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(expected).isEqualTo(count);
        assertThat(fq.next()).isNull();
    }

    @Test
    void ringsAreSizedByTheReceiveHwm() {
        assertThat(PipeReader.capacityFor(0)).isEqualTo(PipeReader.MAX_CAPACITY);
        assertThat(PipeReader.capacityFor(1)).isEqualTo(2);
        assertThat(PipeReader.capacityFor(5)).isEqualTo(8);
        assertThat(PipeReader.capacityFor(64)).isEqualTo(64);
        assertThat(PipeReader.capacityFor(1000)).isEqualTo(1024);
        assertThat(PipeReader.capacityFor(100_000)).isEqualTo(PipeReader.MAX_CAPACITY);
    }
}
