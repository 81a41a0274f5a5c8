package io.zmtp.bench.perf;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds bench/native/zmq_perf.c (when gcc and libzmq's header are here; skipped otherwise) and
 * runs it against our tools with tiny counts: libzmq's local_thr fed by our remote_thr, and our
 * local_lat answering libzmq's remote_lat. Checks the lines it prints; never a speed.
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
            gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), source.toString(), "-lzmq")
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
        String[] command = new String[args.length + 1];
        command[0] = binary.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

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
    void badArgumentsExitWithUsage() throws Exception {
        for (String[] args : new String[][] {{"local_thr", "tcp://127.0.0.1:1", "16"}, {"no_such_role"}}) {
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
