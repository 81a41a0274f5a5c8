package io.zmtp.bench.perf;

import io.zmtp.bench.BenchCurve;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds bench/native/zmq_perf.c (when gcc and libzmq's header are here; skipped otherwise) and
 * runs it against our tools with tiny counts: libzmq's local_thr fed by our remote_thr (plain
 * and over CURVE), our local_lat answering libzmq's remote_lat, the pub_thr/sub_thr roles
 * with each other and with ours, and libzmq's inproc_thr alone. Checks the lines it prints; never a speed.
 */
class NativePeerSmokeTest {
    private static final RunControl CONTROL = RunControl.withStallTimeout(Duration.ofSeconds(30));
    private static Path binary;

    @BeforeAll
    static void build() throws Exception {
        Path source = Paths.get("native", "zmq_perf.c").toAbsolutePath();
        assumeTrue(Files.isRegularFile(source), "no " + source);
        assumeTrue(Files.isRegularFile(Paths.get("/usr/include/zmq.h")), "libzmq's header is not installed");
        binary = Paths.get("target", "test-zmq_perf").toAbsolutePath();
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-pthread", "-o", binary.toString(), source.toString(), "-lzmq")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "gcc is not available: " + e.getMessage());
            return;
        }
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "gcc took too long");
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.exitValue(), out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Process start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Starts zmq_perf with {@code env} added to this JVM's environment. */
    private static Process start(Map<String, String> env, String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = binary.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static final Map<String, String> CURVE_ON = Map.of(BenchCurve.ENV, "1");
    private static final String THROUGHPUT_MSGS = "mean throughput: \\d+ \\[msg/s\\]";
    private static final String THROUGHPUT_MBITS = "mean throughput: \\d+\\.\\d{3} \\[Mb/s\\]";

    private static void awaitListening(int port, Process p) {
        org.awaitility.Awaitility.await("zmq_perf listening on " + port).atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(25)).until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("zmq_perf exited before it listened on " + port);
                    }
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    /** Waits for the process (60 s at most, then kills it) and returns what it printed. */
    private static List<String> finish(Process p) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("zmq_perf did not finish within 60 s");
        }
        // The output is a few lines: it fits the pipe, so reading after the exit is safe.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }

    @Test
    void versionRole() throws Exception {
        List<String> lines = finish(start("version"));
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("\\d+\\.\\d+\\.\\d+"), lines.get(0));
    }

    @Test
    void inprocThrRoleSendsAndCountsInOneProcess() throws Exception {
        List<String> lines = finish(start("inproc_thr", "16", "2000"));
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("message size: 16 [B]", lines.get(0));
        assertEquals("message count: 2000", lines.get(1));
        assertTrue(lines.get(2).matches(THROUGHPUT_MSGS), lines.get(2));
        assertTrue(lines.get(3).matches(THROUGHPUT_MBITS), lines.get(3));
    }

    @Test
    void inprocThrWithoutACountIsAUsageError() throws Exception {
        Process p = new ProcessBuilder(binary.toString(), "inproc_thr", "16")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
    }

    @Test
    void libzmqLocalThrFromOurRemoteThr() throws Exception {
        int port = freePort();
        Process local = start("local_thr", "tcp://127.0.0.1:" + port, "16", "300");
        try {
            awaitListening(port, local);
            // Our first connect attempt above was a plain TCP probe; libzmq just drops it.
            RemoteThr.run(new String[] {"tcp://127.0.0.1:" + port, "16", "300"}, System.out, CONTROL);
            List<String> lines = finish(local);
            assertEquals(4, lines.size(), lines::toString);
            assertEquals("message size: 16 [B]", lines.get(0));
            assertEquals("message count: 300", lines.get(1));
            assertTrue(lines.get(2).matches("mean throughput: \\d+ \\[msg/s\\]"), lines.get(2));
            assertTrue(lines.get(3).matches("mean throughput: \\d+\\.\\d{3} \\[Mb/s\\]"), lines.get(3));
        } finally {
            local.destroyForcibly();
        }
    }

    @Test
    void ourLocalLatAnswersLibzmqRemoteLat() throws Exception {
        java.util.concurrent.CompletableFuture<String> bound = new java.util.concurrent.CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(Duration.ofSeconds(30)).onBound(bound::complete);
        Thread server = new Thread(() -> LocalLat.run(new String[] {"tcp://127.0.0.1:0", "64", "50"}, System.out, control));
        server.setDaemon(true);
        server.start();
        String endpoint = bound.get(30, TimeUnit.SECONDS);
        List<String> lines = finish(start("remote_lat", endpoint, "64", "50"));
        server.join(30_000);
        assertEquals(3, lines.size(), lines::toString);
        assertEquals("message size: 64 [B]", lines.get(0));
        assertEquals("roundtrip count: 50", lines.get(1));
        assertTrue(lines.get(2).matches("average latency: \\d+\\.\\d{3} \\[us\\]"), lines.get(2));
    }

    @Test
    void libzmqLocalThrFromOurRemoteThrOverCurve() throws Exception {
        int port = freePort();
        Process local = start(CURVE_ON, "local_thr", "tcp://127.0.0.1:" + port, "16", "300");
        try {
            awaitListening(port, local);
            System.setProperty(BenchCurve.PROPERTY, "1");
            try {
                RemoteThr.run(new String[] {"tcp://127.0.0.1:" + port, "16", "300"}, System.out, CONTROL);
            } finally {
                System.clearProperty(BenchCurve.PROPERTY);
            }
            List<String> lines = finish(local);
            assertEquals(4, lines.size(), lines::toString);
            assertEquals("message count: 300", lines.get(1));
            assertTrue(lines.get(2).matches(THROUGHPUT_MSGS), lines.get(2));
        } finally {
            local.destroyForcibly();
        }
    }

    @Test
    void libzmqRemoteThrFeedsOurLocalThrOverCurve() throws Exception {
        CompletableFuture<String> bound = new CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(Duration.ofSeconds(30)).onBound(bound::complete);
        System.setProperty(BenchCurve.PROPERTY, "1");
        CompletableFuture<ThroughputResult> local;
        try {
            local = CompletableFuture.supplyAsync(() -> LocalThr.run(new String[] {"tcp://127.0.0.1:0", "1024", "300"},
                    new PrintStream(OutputStream.nullOutputStream()), control));
            local.whenComplete((r, e) -> {
                if (e != null) {
                    bound.completeExceptionally(e);
                }
            });
            // Once bound, local_thr has read the switch; the property can go.
            bound.get(30, TimeUnit.SECONDS);
        } finally {
            System.clearProperty(BenchCurve.PROPERTY);
        }
        assertEquals(List.of(), finish(start(CURVE_ON, "remote_thr", bound.get(), "1024", "300")));
        assertEquals(300, local.get(30, TimeUnit.SECONDS).messageCount());
    }

    @Test
    void anUnknownCurveSettingIsAUsageError() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "local_thr", "tcp://127.0.0.1:1", "16", "1")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(BenchCurve.ENV, "maybe");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
    }

    @Test
    void libzmqPubThrAndSubThrWithTwoSubscribers() throws Exception {
        int port = freePort();
        Process pub = start("pub_thr", "tcp://127.0.0.1:" + port, "16", "300", "2");
        try {
            awaitListening(port, pub);
            List<String> lines = finish(start("sub_thr", "tcp://127.0.0.1:" + port, "16", "300", "2"));
            assertEquals(List.of(), finish(pub));
            assertEquals(7, lines.size(), lines::toString);
            assertEquals("message size: 16 [B]", lines.get(0));
            assertEquals("message count: 300", lines.get(1));
            assertEquals("subscribers: 2", lines.get(2));
            long first = Long.parseLong(lines.get(3).replaceAll("subscriber 1 throughput: (\\d+) \\[msg/s\\]", "$1"));
            long second = Long.parseLong(lines.get(4).replaceAll("subscriber 2 throughput: (\\d+) \\[msg/s\\]", "$1"));
            assertEquals("mean throughput: " + (first + second) / 2 + " [msg/s]", lines.get(5));
            assertTrue(lines.get(6).matches(THROUGHPUT_MBITS), lines.get(6));
        } finally {
            pub.destroyForcibly();
        }
    }

    @Test
    void libzmqPubThrFeedsOurSubThr() throws Exception {
        int port = freePort();
        Process pub = start("pub_thr", "tcp://127.0.0.1:" + port, "1024", "200", "1");
        try {
            awaitListening(port, pub);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SubThrResult r = SubThr.run(new String[] {"tcp://127.0.0.1:" + port, "1024", "200"},
                    new PrintStream(bytes, true, StandardCharsets.UTF_8), CONTROL);
            assertEquals(List.of(), finish(pub));
            assertEquals(200, r.messageCount());
            assertEquals(4, bytes.toString(StandardCharsets.UTF_8).split("\\R").length);
        } finally {
            pub.destroyForcibly();
        }
    }

    @Test
    void ourPubThrFeedsLibzmqSubThr() throws Exception {
        CompletableFuture<String> bound = new CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(Duration.ofSeconds(30)).onBound(bound::complete);
        CompletableFuture<Long> pub = CompletableFuture.supplyAsync(() -> PubThr.run(
                new String[] {"tcp://127.0.0.1:0", "16", "300", "2"}, System.out, control));
        pub.whenComplete((r, e) -> {
            if (e != null) {
                bound.completeExceptionally(e);
            }
        });
        List<String> lines = finish(start("sub_thr", bound.get(30, TimeUnit.SECONDS), "16", "300", "2"));
        assertEquals(300L, pub.get(30, TimeUnit.SECONDS));
        assertEquals(7, lines.size(), lines::toString);
        assertEquals("subscribers: 2", lines.get(2));
        assertTrue(lines.get(5).matches(THROUGHPUT_MSGS), lines.get(5));
    }

    // ------------------------------------------------------------------ CURVE handshakes

    private static final String HS_RATE = "mean handshakes: \\d+ \\[hs/s\\]";
    private static final String HS_CPU = "cpu per handshake: \\d+\\.\\d \\[us\\]";

    @Test
    void libzmqHandshakeKeySetIsOurs() throws Exception {
        List<String> hex = finish(start("curve_hs_keys"));
        assertEquals(io.zmtp.bench.HandshakeBench.keySet().stream().map(java.util.HexFormat.of()::formatHex).toList(), hex);
    }

    @Test
    void libzmqHandshakeServerAndClient() throws Exception {
        int port = freePort();
        Process server = start("curve_hs_server", "tcp://127.0.0.1:" + port, "20");
        try {
            awaitListening(port, server);
            List<String> client = finish(start("curve_hs_client", "tcp://127.0.0.1:" + port, "20", "4"));
            assertEquals(4, client.size(), client::toString);
            assertEquals("handshake count: 20", client.get(0));
            assertEquals("parallel: 4", client.get(1));
            assertTrue(client.get(2).matches("elapsed: \\d+\\.\\d{3} \\[s\\]"), client.get(2));
            assertTrue(client.get(3).matches(HS_RATE), client.get(3));
            List<String> lines = finish(server);
            assertEquals(5, lines.size(), lines::toString);
            assertEquals("handshake count: 20", lines.get(0));
            assertEquals("key set: 1000 keys", lines.get(1));
            // Our probe for the listening port was a plain TCP connection that never said hello.
            assertEquals("authentications: 20 accepted, 0 refused", lines.get(2));
            assertTrue(lines.get(3).matches(HS_RATE), lines.get(3));
            assertTrue(lines.get(4).matches(HS_CPU), lines.get(4));
        } finally {
            server.destroyForcibly();
        }
    }

    /** Our client against libzmq's server: a key outside the set gets no answer and is not counted. */
    @Test
    void libzmqHandshakeServerRefusesAKeyOutsideTheSet() throws Exception {
        int port = freePort();
        String endpoint = "tcp://127.0.0.1:" + port;
        Process server = start("curve_hs_server", endpoint, "3");
        try {
            awaitListening(port, server);
            PerfException e = org.junit.jupiter.api.Assertions.assertThrows(PerfException.class, () -> CurveHsClient.run(
                    new String[] {endpoint, "1", "1"}, new PrintStream(OutputStream.nullOutputStream()),
                    RunControl.withStallTimeout(Duration.ofMillis(1_500)), io.zmtp.codec.curve.CurveKeyPair.generate()));
            assertTrue(e.getMessage().contains("no answer within"), e.getMessage());
            assertTrue(server.isAlive(), "the server ended on a refused client");
            CurveHsClient.run(new String[] {endpoint, "3", "3"}, new PrintStream(OutputStream.nullOutputStream()), CONTROL);
            List<String> lines = finish(server);
            assertEquals("handshake count: 3", lines.get(0));
            assertTrue(lines.get(2).matches("authentications: 3 accepted, [1-9]\\d* refused"), lines.get(2));
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void libzmqHandshakeClientAgainstOurServer() throws Exception {
        CompletableFuture<String> bound = new CompletableFuture<>();
        RunControl control = RunControl.withStallTimeout(Duration.ofSeconds(30)).onBound(bound::complete);
        CompletableFuture<io.zmtp.bench.HandshakeBench.ServerResult> server = CompletableFuture.supplyAsync(() -> CurveHsServer.run(
                new String[] {"tcp://127.0.0.1:0", "10"}, new PrintStream(OutputStream.nullOutputStream()), control));
        server.whenComplete((r, e) -> {
            if (e != null) {
                bound.completeExceptionally(e);
            }
        });
        List<String> client = finish(start("curve_hs_client", bound.get(30, TimeUnit.SECONDS), "10", "3"));
        assertTrue(client.get(3).matches(HS_RATE), client.toString());
        assertEquals(10, server.get(30, TimeUnit.SECONDS).accepted());
    }

    @Test
    void badArgumentsExitWithUsage() throws Exception {
        for (String[] args : new String[][] {{"local_thr", "tcp://127.0.0.1:1", "16"}, {"no_such_role"},
                {"pub_thr", "tcp://127.0.0.1:1", "16", "10"}, {"pub_thr", "tcp://127.0.0.1:1", "16", "10", "0"},
                {"sub_thr", "tcp://127.0.0.1:1", "16"}, {"sub_thr", "tcp://127.0.0.1:1", "16", "10", "1001"},
                {"curve_hs_server", "tcp://127.0.0.1:1"}, {"curve_hs_server", "tcp://127.0.0.1:1", "0"},
                {"curve_hs_client", "tcp://127.0.0.1:1"}, {"curve_hs_client", "tcp://127.0.0.1:1", "1", "0"},
                {"curve_hs_client", "tcp://127.0.0.1:1", "1", "513"}, {"curve_hs_client", "tcp://127.0.0.1:1", "x"},
                {"curve_hs_keys", "extra"}}) {
            String[] command = new String[args.length + 1];
            command[0] = binary.toString();
            System.arraycopy(args, 0, command, 1, args.length);
            // The usage text on stderr is expected here: keep it out of the build log.
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), String.join(" ", args));
        }
    }
}
