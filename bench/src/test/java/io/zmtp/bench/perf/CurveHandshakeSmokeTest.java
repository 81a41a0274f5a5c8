package io.zmtp.bench.perf;

import io.zmtp.bench.CapturedOutput;
import io.zmtp.bench.HandshakeLines;
import io.zmtp.bench.HandshakeBench.ClientResult;
import io.zmtp.bench.HandshakeBench.ServerResult;
import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our curve_hs_server and curve_hs_client with tiny counts over 127.0.0.1, with each of the
 * server's two ZAP paths; a client whose key is not in the set gets no answer and is not counted.
 * Checks the lines they print, never a speed.
 */
class CurveHandshakeSmokeTest {
    private static final long WAIT_SECONDS = 60;
    private static final RunControl CLIENT = RunControl.withStallTimeout(Duration.ofSeconds(30));

    @AfterEach
    void clearSwitch() {
        System.clearProperty(CurveHsServer.ZAP_PROPERTY);
    }

    /** Starts curve_hs_server for {@code count} handshakes on a free port; returns the endpoint once bound. */
    private static String startServer(CompletableFuture<ServerResult> result, long count, PrintStream out) throws Exception {
        CompletableFuture<String> bound = new CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(Duration.ofSeconds(30)).onBound(bound::complete);
        Thread t = new Thread(() -> {
            try {
                result.complete(CurveHsServer.run(new String[] {"tcp://127.0.0.1:0", Long.toString(count)}, out, control));
            } catch (Throwable e) {
                result.completeExceptionally(e);
                bound.completeExceptionally(e);
            }
        }, "curve_hs_server");
        t.setDaemon(true);
        t.start();
        return bound.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static void serverAndClient(String zap) throws Exception {
        System.setProperty(CurveHsServer.ZAP_PROPERTY, zap);
        CapturedOutput server = new CapturedOutput();
        CapturedOutput client = new CapturedOutput();
        CompletableFuture<ServerResult> result = new CompletableFuture<>();
        String endpoint = startServer(result, 20, server.out);
        ClientResult c = CurveHsClient.run(new String[] {endpoint, "20", "4"}, client.out, CLIENT);
        ServerResult s = result.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(20, c.handshakes());
        assertEquals(20, s.handshakes());
        assertEquals(20, s.accepted());
        assertEquals(0, s.refused());
        HandshakeLines.assertServerLines(server.lines(), s);
        HandshakeLines.assertClientLines(client.lines(), c);
        assertEquals("parallel: 4", client.lines().get(1));
    }

    @Test
    void serverAndClientWithTheDirectAuthenticator() throws Exception {
        serverAndClient("direct");
    }

    @Test
    void serverAndClientWithAZapHandlerOverInproc() throws Exception {
        serverAndClient("inproc");
    }

    /**
     * A client whose key is not in the set gets no answer; the server then ends after exactly as
     * many admitted clients as it was told, which it could not if the refused connection had been
     * counted (the last admitted client would then wait for an answer in vain).
     */
    @Test
    void aKeyOutsideTheSetIsRefusedAndNotCounted() throws Exception {
        for (String zap : List.of("direct", "inproc")) {
            System.setProperty(CurveHsServer.ZAP_PROPERTY, zap);
            CompletableFuture<ServerResult> result = new CompletableFuture<>();
            String endpoint = startServer(result, 3, new CapturedOutput().out);
            PerfException e = assertThrows(PerfException.class, () -> CurveHsClient.run(new String[] {endpoint, "1", "1"},
                    new CapturedOutput().out, RunControl.withStallTimeout(Duration.ofMillis(1_500)), CurveKeyPair.generate()));
            assertTrue(e.getMessage().contains("no answer within 1500 ms"), e.getMessage());
            assertFalse(result.isDone(), zap + ": the server ended on a refused client");

            CurveHsClient.run(new String[] {endpoint, "3", "3"}, new CapturedOutput().out, CLIENT);
            ServerResult s = result.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(3, s.handshakes(), zap);
            assertEquals(3, s.accepted(), zap);
            assertTrue(s.refused() >= 1, zap + ": refused " + s.refused());
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        PrintStream out = new CapturedOutput().out;
        for (String[] args : new String[][] {{}, {"tcp://127.0.0.1:1"}, {"tcp://127.0.0.1:1", "0"}, {"tcp://127.0.0.1:1", "x"},
                {"tcp://127.0.0.1:1", "1", "2"}}) {
            UsageException e = assertThrows(UsageException.class, () -> CurveHsServer.run(args, out, RunControl.DEFAULT));
            assertEquals(CurveHsServer.USAGE, e.usage());
        }
        for (String[] args : new String[][] {{}, {"tcp://127.0.0.1:1"}, {"tcp://127.0.0.1:1", "-1"}, {"tcp://127.0.0.1:1", "1", "0"},
                {"tcp://127.0.0.1:1", "1", "513"}, {"tcp://127.0.0.1:1", "1", "many"}, {"tcp://127.0.0.1:1", "1", "2", "3"}}) {
            UsageException e = assertThrows(UsageException.class, () -> CurveHsClient.run(args, out, RunControl.DEFAULT));
            assertEquals(CurveHsClient.USAGE, e.usage());
        }
        System.setProperty(CurveHsServer.ZAP_PROPERTY, "sometimes");
        UsageException e = assertThrows(UsageException.class,
                () -> CurveHsServer.run(new String[] {"tcp://127.0.0.1:0", "1"}, out, RunControl.DEFAULT));
        assertTrue(e.detail().contains("-Dzmtp.hs.zap") && e.detail().contains("'sometimes'"), e.detail());
    }
}
