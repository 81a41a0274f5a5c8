package io.zmtp.socket;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
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
    void takenSlotsComeBackToTheProducerWhenTheRingIsFoundEmpty() {
        InboundRing ring = new InboundRing(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(i)).isTrue();
        }
        assertThat(ring.isFull()).isTrue();
        assertThat(ring.offer(4)).isFalse();
        ring.publish();
        assertThat(ring.poll()).isEqualTo(0);
        assertThat(ring.isFull()).as("one take is not handed back on its own").isTrue();
        assertThat(List.of(ring.poll(), ring.poll(), ring.poll())).containsExactly(1, 2, 3);
        assertThat(ring.poll()).isNull();
        assertThat(ring.isFull()).isFalse();
        for (int i = 4; i < 8; i++) {
            assertThat(ring.offer(i)).isTrue();
        }
        assertThat(ring.offer(8)).isFalse();
        ring.publish();
        assertThat(List.of(ring.poll(), ring.poll(), ring.poll(), ring.poll())).containsExactly(4, 5, 6, 7);
    }

    @Test
    void aBatchOfTakesHandsItsSlotsBack() {
        int batch = InboundRing.PUBLISH_EVERY;
        InboundRing ring = new InboundRing(2 * batch);
        for (int i = 0; i < 2 * batch; i++) {
            assertThat(ring.offer(i)).isTrue();
        }
        ring.publish();
        for (int i = 0; i < batch - 1; i++) {
            assertThat(ring.poll()).isEqualTo(i);
        }
        assertThat(ring.isFull()).isTrue();
        assertThat(ring.headPosition() % batch).isNotZero();
        assertThat(ring.poll()).isEqualTo(batch - 1);
        assertThat(ring.headPosition() % batch).isZero();
        assertThat(ring.isFull()).isFalse();
        for (int i = 0; i < batch; i++) {
            assertThat(ring.offer(2 * batch + i)).as("room for a whole batch").isTrue();
        }
        assertThat(ring.offer(-1)).isFalse();
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new InboundRing(6)).isInstanceOf(IllegalArgumentException.class);
    }

    /** One producer, three consumers: every value is taken exactly once, each consumer sees them in order. */
    @Test
    void concurrentConsumersTakeEveryMessageOnceAndInOrder() throws InterruptedException {
        InboundRing ring = new InboundRing(16);
        int total = 200_000;
        int consumers = 3;
        AtomicInteger takenCount = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<List<Integer>> seen = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(consumers);
        for (int c = 0; c < consumers; c++) {
            List<Integer> mine = new ArrayList<>();
            seen.add(mine);
            Thread t = new Thread(() -> {
                int last = -1;
                while (takenCount.get() < total) {
                    Object o = ring.poll();
                    if (o == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    int v = (Integer) o;
                    if (v <= last) {
                        problems.add("out of order: " + v + " after " + last);
                    }
                    last = v;
                    mine.add(v);
                    takenCount.incrementAndGet();
                }
                done.countDown();
            });
            t.setDaemon(true);
            t.start();
        }
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
        assertThat(done.await(60, TimeUnit.SECONDS)).as("consumers finished").isTrue();
        assertThat(problems).isEmpty();
        boolean[] got = new boolean[total];
        int n = 0;
        for (List<Integer> mine : seen) {
            for (int v : mine) {
                assertThat(got[v]).as("value %d taken twice", v).isFalse();
                got[v] = true;
                n++;
            }
        }
        assertThat(n).isEqualTo(total);
    }
}
