package io.zmtp.socket;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InboundRingTest {

    @Test
    void offersStayInvisibleUntilPublished() {
        InboundRing ring = new InboundRing(8);
        assertThat(ring.offer("a")).isTrue();
        assertThat(ring.hasPublished()).isFalse();
        assertThat(ring.poll()).isNull();
        ring.publish();
        assertThat(ring.hasPublished()).isTrue();
        assertThat(ring.poll()).isEqualTo("a");
        assertThat(ring.poll()).isNull();
        assertThat(ring.hasPublished()).isFalse();
    }

    @Test
    void aLongBatchPublishesItselfEveryFewMessages() {
        InboundRing ring = new InboundRing(64);
        for (int i = 0; i < InboundRing.PUBLISH_EVERY - 1; i++) {
            ring.offer(i);
        }
        assertThat(ring.poll()).isNull();
        ring.offer(InboundRing.PUBLISH_EVERY - 1);
        assertThat(ring.poll()).isEqualTo(0);
    }

    @Test
    void isFullAtCapacityUntilAConsumerTakesOne() {
        InboundRing ring = new InboundRing(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(i)).isTrue();
        }
        assertThat(ring.isFull()).isTrue();
        assertThat(ring.offer(4)).isFalse();
        ring.publish();
        assertThat(ring.poll()).isEqualTo(0);
        assertThat(ring.isFull()).isFalse();
        assertThat(ring.offer(4)).isTrue();
        ring.publish();
        assertThat(List.of(ring.poll(), ring.poll(), ring.poll(), ring.poll())).containsExactly(1, 2, 3, 4);
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new InboundRing(6)).isInstanceOf(IllegalArgumentException.class);
    }

    /** One producer thread, one consumer: every value is taken exactly once, in order, and no taken slot keeps it. */
    @Test
    void aConsumerRacingTheProducerTakesEveryMessageOnceAndInOrder() throws InterruptedException {
        InboundRing ring = new InboundRing(16);
        int total = 200_000;
        AtomicInteger takenCount = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            int expected = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (expected < total && System.nanoTime() < deadline) {
                Object o = ring.poll();
                if (o == null) {
                    Thread.onSpinWait();
                    continue;
                }
                if ((Integer) o != expected) {
                    problems.add("got " + o + " where " + expected + " was next");
                }
                expected++;
                takenCount.incrementAndGet();
            }
            done.countDown();
        });
        t.setDaemon(true);
        t.start();
        for (int i = 0; i < total; i++) {
            while (!ring.offer(i)) {
                ring.publish();
                Thread.onSpinWait();
            }
            if ((i & 7) == 0) {
                ring.publish();
            }
        }
        ring.publish();
        assertThat(done.await(60, TimeUnit.SECONDS)).as("consumer finished").isTrue();
        assertThat(problems).isEmpty();
        assertThat(takenCount.get()).isEqualTo(total);
        assertThat(ring.retained()).as("slots still holding taken messages").isZero();
    }

    @Test
    void aTakenMessageIsNotKeptByTheRing() {
        InboundRing ring = new InboundRing(8);
        ring.offer("a");
        ring.offer("b");
        ring.publish();
        assertThat(ring.retained()).isEqualTo(2);
        assertThat(ring.poll()).isEqualTo("a");
        assertThat(ring.retained()).isEqualTo(1);
        assertThat(ring.poll()).isEqualTo("b");
        assertThat(ring.retained()).isZero();
    }
}
