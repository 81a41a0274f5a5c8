package io.zmtp.bench.perf;

import io.zmtp.bench.CapturedOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs each perf tool pair briefly and checks what they print. Never asserts a speed: only that
 * the lines are there, in libzmq's format, with the right sizes and counts.
 */
class PerfToolsSmokeTest {
    private static final Duration STALL = Duration.ofSeconds(30);
    private static final long WAIT_SECONDS = 60;
    private static final String THROUGHPUT_MSGS = "mean throughput: \\d+ \\[msg/s\\]";
    private static final String THROUGHPUT_MBITS = "mean throughput: \\d+\\.\\d{3} \\[Mb/s\\]";
    private static final String LATENCY = "average latency: \\d+\\.\\d{3} \\[us\\]";

    private static ExecutorService localSide;

    @BeforeAll
    static void startExecutor() {
        localSide = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "perf-local-side");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopExecutor() throws InterruptedException {
        localSide.shutdownNow();
        assertTrue(localSide.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    }


    /**
     * Starts a binding tool on 127.0.0.1 port 0 in another thread, runs the connecting tool
     * against the port it got, and returns the binding tool's result.
     */
    private static <L> L runPair(Function<RunControl, L> bindingTool, Consumer<String> connectingTool) throws Exception {
        CompletableFuture<String> bound = new CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(STALL).onBound(bound::complete);
        CompletableFuture<L> local = CompletableFuture.supplyAsync(() -> bindingTool.apply(control), localSide);
        local.whenComplete((r, e) -> {
            if (e != null) {
                bound.completeExceptionally(e);
            }
        });
        String endpoint = bound.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(endpoint.startsWith("tcp://127.0.0.1:"), endpoint);
        assertTrue(Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)) > 0, endpoint);
        connectingTool.accept(endpoint);
        return local.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static RunControl control() {
        return RunControl.withStallTimeout(STALL);
    }

    @Test
    void localThrAndRemoteThrOverTcp() throws Exception {
        CapturedOutput localOut = new CapturedOutput();
        CapturedOutput remoteOut = new CapturedOutput();
        ThroughputResult r = runPair(
                c -> LocalThr.run(new String[] {"tcp://127.0.0.1:0", "16", "1000"}, localOut.out, c),
                ep -> assertEquals(1000L, RemoteThr.run(new String[] {ep, "16", "1000"}, remoteOut.out, control())));

        assertEquals(16, r.messageSize());
        assertEquals(1000, r.messageCount());
        assertTrue(r.elapsedMicros() >= 1);
        List<String> lines = localOut.lines();
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("message size: 16 [B]", lines.get(0));
        assertEquals("message count: 1000", lines.get(1));
        assertTrue(lines.get(2).matches(THROUGHPUT_MSGS), lines.get(2));
        assertEquals("mean throughput: " + r.throughput() + " [msg/s]", lines.get(2));
        assertTrue(lines.get(3).matches(THROUGHPUT_MBITS), lines.get(3));
        assertEquals(List.of(), remoteOut.lines());
    }

    @Test
    void emptyMessagesOverTcp() throws Exception {
        CapturedOutput localOut = new CapturedOutput();
        ThroughputResult r = runPair(
                c -> LocalThr.run(new String[] {"tcp://127.0.0.1:*", "0", "200"}, localOut.out, c),
                ep -> RemoteThr.run(new String[] {ep, "0", "200"}, new CapturedOutput().out, control()));
        assertEquals(0, r.messageSize());
        assertEquals(200, r.messageCount());
        List<String> lines = localOut.lines();
        assertEquals("message size: 0 [B]", lines.get(0));
        assertEquals("message count: 200", lines.get(1));
        assertEquals("mean throughput: 0.000 [Mb/s]", lines.get(3));
    }

    @Test
    void localLatAndRemoteLatOverTcp() throws Exception {
        CapturedOutput localOut = new CapturedOutput();
        CapturedOutput remoteOut = new CapturedOutput();
        LatencyResult[] remote = new LatencyResult[1];
        long served = runPair(
                c -> LocalLat.run(new String[] {"tcp://127.0.0.1:0", "16", "100"}, localOut.out, c),
                ep -> remote[0] = RemoteLat.run(new String[] {ep, "16", "100"}, remoteOut.out, control()));

        assertEquals(100L, served);
        assertEquals(List.of(), localOut.lines());
        assertNotNull(remote[0]);
        assertEquals(16, remote[0].messageSize());
        assertEquals(100, remote[0].roundtripCount());
        List<String> lines = remoteOut.lines();
        assertEquals(3, lines.size(), lines::toString);
        assertEquals("message size: 16 [B]", lines.get(0));
        assertEquals("roundtrip count: 100", lines.get(1));
        assertTrue(lines.get(2).matches(LATENCY), lines.get(2));
    }

    @Test
    void emptyRoundTripsOverTcp() throws Exception {
        CapturedOutput remoteOut = new CapturedOutput();
        long served = runPair(
                c -> LocalLat.run(new String[] {"tcp://127.0.0.1:0", "0", "20"}, new CapturedOutput().out, c),
                ep -> RemoteLat.run(new String[] {ep, "0", "20"}, remoteOut.out, control()));
        assertEquals(20L, served);
        List<String> lines = remoteOut.lines();
        assertEquals("message size: 0 [B]", lines.get(0));
        assertEquals("roundtrip count: 20", lines.get(1));
        assertTrue(lines.get(2).matches(LATENCY), lines.get(2));
    }

    @Test
    void inprocThrTinyRun() {
        CapturedOutput out = new CapturedOutput();
        ThroughputResult r = InprocThr.run(new String[] {"16", "1000"}, out.out, control());
        assertEquals(1000, r.messageCount());
        List<String> lines = out.lines();
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("message size: 16 [B]", lines.get(0));
        assertEquals("message count: 1000", lines.get(1));
        assertTrue(lines.get(2).matches(THROUGHPUT_MSGS), lines.get(2));
        assertTrue(lines.get(3).matches(THROUGHPUT_MBITS), lines.get(3));
    }

    @Test
    void inprocLatTinyRun() {
        CapturedOutput out = new CapturedOutput();
        LatencyResult r = InprocLat.run(new String[] {"16", "100"}, out.out, control());
        assertEquals(100, r.roundtripCount());
        List<String> lines = out.lines();
        assertEquals(3, lines.size(), lines::toString);
        assertEquals("message size: 16 [B]", lines.get(0));
        assertEquals("roundtrip count: 100", lines.get(1));
        assertTrue(lines.get(2).matches(LATENCY), lines.get(2));
    }

    @Test
    void inprocToolsTakeTheirEndpointFromTheSystemProperty() {
        String[] bound = new String[1];
        withProperty(Perf.ENDPOINT_PROPERTY, "tcp://127.0.0.1:*", () -> {
            ThroughputResult r = InprocThr.run(new String[] {"8", "50"}, new CapturedOutput().out,
                    control().onBound(ep -> bound[0] = ep));
            assertEquals(50, r.messageCount());
        });
        assertNotNull(bound[0]);
        assertTrue(bound[0].startsWith("tcp://127.0.0.1:"), bound[0]);
    }

    @Test
    void epollWhenAvailable() {
        withProperty(Perf.IO_PROPERTY, "epoll", () -> {
            LatencyResult r = InprocLat.run(new String[] {"1", "10"}, new CapturedOutput().out, control());
            assertEquals(10, r.roundtripCount());
        });
    }

    @Test
    void anEventLoopTheLibraryLacksIsAUsageError() {
        withProperty(Perf.IO_PROPERTY, "no_such_loop", () -> {
            UsageException e = assertThrows(UsageException.class,
                    () -> InprocThr.run(new String[] {"16", "10"}, new CapturedOutput().out, control()));
            assertEquals(InprocThr.USAGE, e.usage());
            assertTrue(e.detail().contains("supported: nio"), e.detail());
        });
    }

    @Test
    void badArgumentsGiveLibzmqUsage() {
        CapturedOutput captured = new CapturedOutput();
        PrintStream out = captured.out;
        assertUsage(LocalThr.USAGE, () -> LocalThr.run(new String[] {"tcp://*:5555", "16"}, out, control()));
        assertUsage(LocalThr.USAGE, () -> LocalThr.run(new String[] {"tcp://*:5555", "-1", "10"}, out, control()));
        assertUsage(RemoteThr.USAGE, () -> RemoteThr.run(new String[] {"tcp://127.0.0.1:5555", "x", "10"}, out, control()));
        assertUsage(LocalLat.USAGE, () -> LocalLat.run(new String[] {"tcp://*:5555", "16", "0"}, out, control()));
        assertUsage(RemoteLat.USAGE, () -> RemoteLat.run(new String[0], out, control()));
        assertUsage(InprocThr.USAGE, () -> InprocThr.run(new String[] {"16", "10", "extra"}, out, control()));
        assertUsage(InprocLat.USAGE, () -> InprocLat.run(new String[] {"16", "ten"}, out, control()));
        assertEquals(List.of(), captured.lines(), "usage goes to stderr, never stdout");
        assertEquals("usage: local_thr <bind-to> <message-size> <message-count>", LocalThr.USAGE);
        assertEquals("usage: remote_thr <connect-to> <message-size> <message-count>", RemoteThr.USAGE);
        assertEquals("usage: local_lat <bind-to> <message-size> <roundtrip-count>", LocalLat.USAGE);
        assertEquals("usage: remote_lat <connect-to> <message-size> <roundtrip-count>", RemoteLat.USAGE);
        assertEquals("usage: inproc_thr <message-size> <message-count>", InprocThr.USAGE);
        assertEquals("usage: inproc_lat <message-size> <roundtrip-count>", InprocLat.USAGE);
    }

    @Test
    void aBadEndpointIsARunFailure() {
        PerfException e = assertThrows(PerfException.class,
                () -> LocalThr.run(new String[] {"bogus", "16", "10"}, new CapturedOutput().out, control()));
        assertTrue(e.getMessage().startsWith("error in bind"), e.getMessage());
    }

    @Test
    void throughputArithmeticFollowsLibzmq() {
        ThroughputResult r = ThroughputResult.of(16, 1_000_000, 500_000);
        assertEquals(2_000_000, r.throughput());
        assertEquals(256.0, r.megabits(), 1e-9);
        assertEquals(1, ThroughputResult.of(16, 1, 0).elapsedMicros());
        assertEquals(2.5, LatencyResult.of(16, 100, 500).averageLatencyMicros(), 1e-9);
    }

    private static void assertUsage(String usage, Runnable call) {
        UsageException e = assertThrows(UsageException.class, call::run);
        assertEquals(usage, e.usage());
    }

    private static void withProperty(String name, String value, Runnable body) {
        String old = System.getProperty(name);
        System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (old == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, old);
            }
        }
    }
}
