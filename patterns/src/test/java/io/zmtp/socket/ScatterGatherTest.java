package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SCATTER and GATHER: PUSH/PULL for many threads, one frame per message, over every transport. */
class ScatterGatherTest extends SocketTestSupport {
    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("transportsAndVariants")
    void messagesArriveInOrder(String transport, int variant) {
        Socket scatter = socket(SocketType.SCATTER);
        Socket gather = socket(SocketType.GATHER);
        link(scatter, gather, transport, variant);
        for (int i = 0; i < 5; i++) {
            assertThat(scatter.send(Message.of("job-" + i))).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(gather.receiveString()).isEqualTo("job-" + i);
        }
    }

    @Test
    void twoGathersShareTheWork() {
        Socket scatter = socket(SocketType.SCATTER);
        String endpoint = scatter.bind("tcp://127.0.0.1:0");
        Socket a = socket(SocketType.GATHER);
        Socket b = socket(SocketType.GATHER);
        a.connect(endpoint);
        b.connect(endpoint);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> scatter.peers().size() == 2);
        for (int i = 0; i < 10; i++) {
            scatter.send("w" + i);
        }
        List<String> gotA = new ArrayList<>();
        List<String> gotB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            gotA.add(a.receiveString());
            gotB.add(b.receiveString());
        }
        assertThat(gotA).doesNotContainAnyElementsOf(gotB);
        assertThat(a.tryReceive()).isNull();
        assertThat(b.tryReceive()).isNull();
    }

    @Test
    void oneFrameAndOneDirection() {
        Socket scatter = socket(SocketType.SCATTER);
        Socket gather = socket(SocketType.GATHER);
        try (Message two = Message.of("a", "b")) {
            assertThatThrownBy(() -> scatter.send(two)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SCATTER");
        }
        assertThatThrownBy(() -> gather.send("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(scatter::tryReceive).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Eight threads send on one SCATTER, eight receive on one GATHER: each message exactly once, whole. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void eightThreadsPerSocketLoseDuplicateAndMixNothing(String transport) throws Exception {
        Socket scatter = socket(SocketType.SCATTER);
        Socket gather = socket(SocketType.GATHER);
        link(scatter, gather, transport, 0);
        int threads = 8;
        int perThread = 1_500;
        int total = threads * perThread;
        ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger received = new AtomicInteger();
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                jobs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        assertThat(scatter.send(Message.of(thread + ":" + i + ":" + "z".repeat(i % 30)))).isTrue();
                    }
                    return null;
                }));
                jobs.add(pool.submit(() -> {
                    start.await();
                    while (received.get() < total && !Thread.currentThread().isInterrupted()) {
                        Message m = gather.receive(Duration.ofMillis(50));
                        if (m == null) {
                            continue;
                        }
                        try (m) {
                            String s = m.string(0);
                            String[] parts = s.split(":", -1);
                            assertThat(parts[2]).isEqualTo("z".repeat(Integer.parseInt(parts[1]) % 30));
                            assertThat(seen.add(s)).as("duplicate %s", s).isTrue();
                        }
                        received.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : jobs) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(seen).hasSize(total);
        } finally {
            pool.shutdownNow();
        }
    }
}
