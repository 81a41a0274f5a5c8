package io.zmtp.bench.perf;

import io.zmtp.bench.CapturedOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs pub_thr and sub_thr briefly, with one and with two subscribers, and checks what sub_thr
 * prints and that the publisher's start signal holds. Never asserts a speed.
 */
class PubSubToolsSmokeTest {
    private static final Duration STALL = Duration.ofSeconds(30);
    private static final long WAIT_SECONDS = 60;
    private static final String THROUGHPUT_MBITS = "mean throughput: \\d+\\.\\d{3} \\[Mb/s\\]";

    private static ExecutorService background;

    @BeforeAll
    static void startExecutor() {
        background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pubsub-test");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopExecutor() throws InterruptedException {
        background.shutdownNow();
        assertTrue(background.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    }


    /** pub_thr started on a wildcard port in the background, and the endpoint it bound. */
    private record Publisher(CompletableFuture<Long> result, String endpoint) {
        long await() throws Exception {
            return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static Publisher publish(String size, String count, String subscribers, Duration stall) throws Exception {
        CompletableFuture<String> bound = new CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(stall).onBound(bound::complete);
        CompletableFuture<Long> pub = CompletableFuture.supplyAsync(() -> PubThr.run(
                new String[] {"tcp://127.0.0.1:0", size, count, subscribers}, new CapturedOutput().out, control), background);
        pub.whenComplete((r, e) -> {
            if (e != null) {
                bound.completeExceptionally(e);
            }
        });
        String endpoint = bound.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(endpoint.startsWith("tcp://127.0.0.1:"), endpoint);
        return new Publisher(pub, endpoint);
    }

    private static RunControl control() {
        return RunControl.withStallTimeout(STALL);
    }

    @Test
    void aSubscriberWithAThousandFiltersGetsEveryMessage() throws Exception {
        Publisher pub = publish("16", "300", "1", STALL);
        CapturedOutput out = new CapturedOutput();
        SubThrResult r = SubThr.run(new String[] {pub.endpoint(), "16", "300", "1", "1000"}, out.out, control());
        assertEquals(300L, pub.await());
        assertEquals(1, r.subscribers().size());
        assertTrue(out.lines().contains("message count: 300"), out.lines().toString());
    }

    @Test
    void theFiltersAreOneMatchingTopicAfterTheOthers() {
        List<byte[]> topics = SubscriptionFilters.topics(1000);
        assertEquals(1000, topics.size());
        byte[] message = new byte[16];
        long matching = topics.stream().filter(t -> startsWith(message, t)).count();
        assertEquals(1, matching);
        assertTrue(SubscriptionFilters.isMatching(topics.get(999), 0, 4));
        assertEquals(1, SubscriptionFilters.topics(1).size());
        assertEquals(0, SubscriptionFilters.topics(1).get(0).length);
    }

    private static boolean startsWith(byte[] message, byte[] topic) {
        for (int i = 0; i < topic.length; i++) {
            if (message[i] != topic[i]) {
                return false;
            }
        }
        return true;
    }

    @Test
    void oneSubscriberPrintsLocalThrLines() throws Exception {
        Publisher pub = publish("16", "300", "1", STALL);
        CapturedOutput out = new CapturedOutput();
        SubThrResult r = SubThr.run(new String[] {pub.endpoint(), "16", "300"}, out.out, control());
        assertEquals(300L, pub.await());

        assertEquals(1, r.subscribers().size());
        assertEquals(r.subscribers().get(0).throughput(), r.meanThroughput());
        List<String> lines = out.lines();
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("message size: 16 [B]", lines.get(0));
        assertEquals("message count: 300", lines.get(1));
        assertEquals("mean throughput: " + r.meanThroughput() + " [msg/s]", lines.get(2));
        assertTrue(lines.get(3).matches(THROUGHPUT_MBITS), lines.get(3));
    }

    @Test
    void twoSubscribersInOneProcessPrintEachAndTheMean() throws Exception {
        Publisher pub = publish("1024", "200", "2", STALL);
        CapturedOutput out = new CapturedOutput();
        SubThrResult r = SubThr.run(new String[] {pub.endpoint(), "1024", "200", "2"}, out.out, control());
        assertEquals(200L, pub.await());

        assertEquals(2, r.subscribers().size());
        long first = r.subscribers().get(0).throughput();
        long second = r.subscribers().get(1).throughput();
        assertEquals((first + second) / 2, r.meanThroughput());
        List<String> lines = out.lines();
        assertEquals(List.of("message size: 1024 [B]", "message count: 200", "subscribers: 2",
                "subscriber 1 throughput: " + first + " [msg/s]", "subscriber 2 throughput: " + second + " [msg/s]",
                "mean throughput: " + r.meanThroughput() + " [msg/s]"), lines.subList(0, 6));
        assertEquals(7, lines.size(), lines::toString);
        assertTrue(lines.get(6).matches(THROUGHPUT_MBITS), lines.get(6));
    }

    @Test
    void twoSubscriberProcessesCountAsTwo() throws Exception {
        Publisher pub = publish("0", "100", "2", STALL);
        CompletableFuture<SubThrResult> one = CompletableFuture.supplyAsync(
                () -> SubThr.run(new String[] {pub.endpoint(), "0", "100"}, new CapturedOutput().out, control()), background);
        SubThrResult two = SubThr.run(new String[] {pub.endpoint(), "0", "100", "1"}, new CapturedOutput().out, control());
        assertEquals(100, one.get(WAIT_SECONDS, TimeUnit.SECONDS).messageCount());
        assertEquals(100, two.messageCount());
        assertEquals(100L, pub.await());
    }

    @Test
    void thePublisherWaitsForEverySubscriber() throws Exception {
        // Two expected, one comes: nothing may be published, so both sides give up at their stall timeout.
        Duration shortStall = Duration.ofMillis(1_500);
        Publisher pub = publish("16", "50", "2", shortStall);
        PerfException sub = assertThrows(PerfException.class, () -> SubThr.run(
                new String[] {pub.endpoint(), "16", "50"}, new CapturedOutput().out, RunControl.withStallTimeout(shortStall)));
        assertTrue(sub.getMessage().startsWith("error in receive: nothing arrived"), sub.getMessage());
        ExecutionException e = assertThrows(ExecutionException.class, pub::await);
        assertInstanceOf(PerfException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("1 of 2 subscribers subscribed"), e.getCause().getMessage());
    }

    @Test
    void aWrongSizeFailsEverySubscriberWithoutHanging() throws Exception {
        Publisher pub = publish("32", "20", "2", STALL);
        PerfException e = assertThrows(PerfException.class, () -> SubThr.run(
                new String[] {pub.endpoint(), "16", "20", "2"}, new CapturedOutput().out, control()));
        assertEquals("message of incorrect size received", e.getMessage());
        // The publisher still delivers or lingers out; either way it ends.
        pub.result().handle((r, t) -> null).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void badArgumentsGiveUsage() {
        PrintStream out = new CapturedOutput().out;
        assertUsage(PubThr.USAGE, () -> PubThr.run(new String[] {"tcp://127.0.0.1:1", "16", "10"}, out, control()));
        assertUsage(PubThr.USAGE, () -> PubThr.run(new String[] {"tcp://127.0.0.1:1", "16", "10", "0"}, out, control()));
        assertUsage(PubThr.USAGE, () -> PubThr.run(new String[] {"tcp://127.0.0.1:1", "16", "10", "1001"}, out, control()));
        assertUsage(SubThr.USAGE, () -> SubThr.run(new String[] {"tcp://127.0.0.1:1", "16"}, out, control()));
        assertUsage(SubThr.USAGE, () -> SubThr.run(new String[] {"tcp://127.0.0.1:1", "16", "10", "x"}, out, control()));
        assertUsage(SubThr.USAGE, () -> SubThr.run(new String[] {"tcp://127.0.0.1:1", "16", "10", "2", "3", "4"}, out, control()));
        assertUsage(SubThr.USAGE, () -> SubThr.run(new String[] {"tcp://127.0.0.1:1", "16", "10", "2", "0"}, out, control()));
        assertUsage(SubThr.USAGE, () -> SubThr.run(new String[] {"tcp://127.0.0.1:1", "16", "10", "2", "10001"}, out, control()));
        assertEquals("usage: pub_thr <bind-to> <message-size> <message-count> <subscribers>", PubThr.USAGE);
        assertEquals("usage: sub_thr <connect-to> <message-size> <message-count> [<subscribers> [<filters>]]", SubThr.USAGE);
    }

    @Test
    void theMeanIsOfTheSubscribersFigures() {
        SubThrResult r = SubThrResult.of(16, 1_000, new long[] {500, 1_000, 0});
        assertEquals(List.of(2_000_000L, 1_000_000L, 1_000_000_000L),
                r.subscribers().stream().map(ThroughputResult::throughput).toList());
        assertEquals(334_333_333L, r.meanThroughput());
        assertEquals(334_333_333L * 16 * 8 / 1e6, r.meanMegabits(), 1e-6);
    }

    private static void assertUsage(String usage, Runnable call) {
        UsageException e = assertThrows(UsageException.class, call::run);
        assertEquals(usage, e.usage());
    }
}
