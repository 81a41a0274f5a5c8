package io.zmtp.bench.perf;

import io.zmtp.bench.BenchCurve;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs our local_thr/remote_thr over CURVE ({@code -Dzmtp.perf.curve=1}, what ZMTP_PERF_CURVE
 * sets for the command line) with a tiny count, and checks that the switch really changes the
 * wire: a plain remote_thr cannot feed a CURVE local_thr. Never asserts a speed.
 */
class CurveThroughputSmokeTest {
    private static final long WAIT_SECONDS = 60;

    @AfterEach
    void clearSwitch() {
        System.clearProperty(BenchCurve.PROPERTY);
    }

    private static PrintStream sink(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    /** Starts local_thr in the background and returns the endpoint it bound, once it has. */
    private static String startLocal(CompletableFuture<ThroughputResult> result, String[] args, PrintStream out, Duration stall)
            throws Exception {
        CompletableFuture<String> bound = new CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(stall).onBound(bound::complete);
        Thread t = new Thread(() -> {
            try {
                result.complete(LocalThr.run(args, out, control));
            } catch (Throwable e) {
                result.completeExceptionally(e);
                bound.completeExceptionally(e);
            }
        }, "curve local_thr");
        t.setDaemon(true);
        t.start();
        return bound.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void localThrAndRemoteThrOverCurve() throws Exception {
        System.setProperty(BenchCurve.PROPERTY, "1");
        ByteArrayOutputStream local = new ByteArrayOutputStream();
        CompletableFuture<ThroughputResult> result = new CompletableFuture<>();
        String endpoint = startLocal(result, new String[] {"tcp://127.0.0.1:0", "16", "300"}, sink(local), Duration.ofSeconds(30));
        RemoteThr.run(new String[] {endpoint, "16", "300"}, sink(new ByteArrayOutputStream()),
                RunControl.withStallTimeout(Duration.ofSeconds(30)));

        ThroughputResult r = result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(300, r.messageCount());
        List<String> lines = List.of(local.toString(StandardCharsets.UTF_8).split("\\R"));
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("message size: 16 [B]", lines.get(0));
        assertEquals("message count: 300", lines.get(1));
        assertEquals("mean throughput: " + r.throughput() + " [msg/s]", lines.get(2));
        assertTrue(lines.get(3).matches("mean throughput: \\d+\\.\\d{3} \\[Mb/s\\]"), lines.get(3));
    }

    @Test
    void aPlainRemoteThrCannotFeedACurveLocalThr() throws Exception {
        Duration stall = Duration.ofMillis(1_500);
        System.setProperty(BenchCurve.PROPERTY, "1");
        CompletableFuture<ThroughputResult> result = new CompletableFuture<>();
        String endpoint = startLocal(result, new String[] {"tcp://127.0.0.1:0", "16", "20"},
                sink(new ByteArrayOutputStream()), stall);
        // local_thr read the switch before it bound: from here on the tools run plain.
        System.setProperty(BenchCurve.PROPERTY, "0");
        RemoteThr.run(new String[] {endpoint, "16", "20"}, sink(new ByteArrayOutputStream()), RunControl.withStallTimeout(stall));

        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(PerfException.class, e.getCause());
        assertTrue(e.getCause().getMessage().startsWith("error in receive: nothing arrived"), e.getCause().getMessage());
    }

    @Test
    void aValueTheSwitchDoesNotKnowIsAUsageError() {
        System.setProperty(BenchCurve.PROPERTY, "maybe");
        UsageException e = assertThrows(UsageException.class, () -> LocalThr.run(
                new String[] {"tcp://127.0.0.1:0", "16", "1"}, sink(new ByteArrayOutputStream()), RunControl.DEFAULT));
        assertEquals(LocalThr.USAGE, e.usage());
        assertTrue(e.detail().contains("-Dzmtp.perf.curve") && e.detail().contains("'maybe'"), e.detail());
        assertThrows(UsageException.class, () -> RemoteThr.run(
                new String[] {"tcp://127.0.0.1:1", "16", "1"}, sink(new ByteArrayOutputStream()), RunControl.DEFAULT));
    }
}
