package io.zmtp.bench.loops;

import io.zmtp.socket.IoBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Both sides of every pattern of bench/loops.sh, in this JVM over loopback with a short window,
 * and the same against the C peer (built here when gcc and libzmq's header are present): the
 * sides find each other, count in their windows and print lines the report can read. Never a speed.
 */
class LoopToolTest {
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static LoopArgs args(String role, int port, int size, int conns) {
        return LoopArgs.parse(new String[] {role, "tcp://127.0.0.1:" + port, String.valueOf(size), String.valueOf(conns), "0.2", "0.5"});
    }

    @ParameterizedTest(name = "{0}/{1}, {2} B, {3} connections")
    @CsvSource({"pull,push,16,3", "pub,sub,16,3", "rep,req,16,1", "router,dealer,16,5", "pull,push,70000,2"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void bothSidesOfAPatternMeasureTheirWindow(String binder, String connecter, int size, int conns) throws Exception {
        int port = freePort();
        CompletableFuture<LoopResult> bound = CompletableFuture.supplyAsync(() -> {
            try {
                return LoopTool.run(args(binder, port, size, conns), IoBackend.NIO, 1);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        LoopResult c = LoopTool.run(args(connecter, port, size, conns), IoBackend.NIO, 1);
        LoopResult b = bound.get(60, TimeUnit.SECONDS);

        assertEquals(binder, b.role());
        assertEquals(connecter, c.role());
        assertTrue(b.messages() > 0, "binding side handled nothing: " + b.line());
        assertTrue(c.messages() > 0, "connecting side handled nothing: " + c.line());
        assertTrue(b.seconds() >= 0.5 && c.seconds() >= 0.5, b.line() + " / " + c.line());
        LoopResult measuring = binder.equals("pull") ? b : c;
        LoopResult other = measuring == b ? c : b;
        assertNotNull(measuring.latency(), "the measuring side times messages: " + measuring.line());
        assertNull(other.latency(), other.line());
        assertTrue(measuring.latency().p50() > 0 && measuring.latency().p50() <= measuring.latency().p99());
        // What it prints is what the report reads.
        assertEquals(measuring.messages(), LoopResult.parse(measuring.line()).messages());
    }

    @Test
    void aBadCommandLineIsAUsageError() {
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"pull"}));
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"push-it", "tcp://127.0.0.1:1", "16", "1", "1", "3"}));
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"push", "127.0.0.1:1", "16", "1", "1", "3"}));
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"push", "tcp://127.0.0.1:1", "4", "1", "1", "3"}));
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"push", "tcp://127.0.0.1:1", "16", "1001", "1", "3"}));
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"req", "tcp://127.0.0.1:1", "16", "2", "1", "3"}));
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"push", "tcp://127.0.0.1:1", "16", "1", "-1", "3"}));
        assertThrows(IllegalArgumentException.class, () -> LoopArgs.parse(new String[] {"push", "tcp://127.0.0.1:1", "16", "1", "1", "9999"}));
        LoopArgs ok = LoopArgs.parse(new String[] {"dealer", "tcp://127.0.0.1:1", "1024", "1000", "1.5", "3"});
        assertEquals(LoopArgs.Role.DEALER, ok.role());
        assertEquals(1000, ok.connections());
    }

    @Test
    void queuesStayBoundedForLargeBodies() {
        assertEquals(1000, LoopTool.hwmFor(16, 1000));
        assertEquals(1000, LoopTool.hwmFor(65536, 1));
        assertEquals(40, LoopTool.hwmFor(65536, 100));
        assertEquals(4, LoopTool.hwmFor(65536, 1000)); // 4 x 64 KiB x 1,000 pipes = 256 MiB
        assertEquals(2, LoopTool.hwmFor(16 * 1024 * 1024, 1000));
    }

    @ParameterizedTest(name = "libzmq {0}/{1}")
    @CsvSource({"pull,push,5", "pub,sub,3", "rep,req,1", "router,dealer,4"})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theCPeerPrintsTheSameLine(String binder, String connecter, int conns) throws Exception {
        Path binary = cPeer();
        int port = freePort();
        String ep = "tcp://127.0.0.1:" + port;
        Process b = new ProcessBuilder(binary.toString(), binder, ep, "16", String.valueOf(conns), "0.2", "0.5")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process c = new ProcessBuilder(binary.toString(), connecter, ep, "16", String.valueOf(conns), "0.2", "0.5")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(c.waitFor(60, TimeUnit.SECONDS) && b.waitFor(60, TimeUnit.SECONDS), "the C peer did not finish");
        assertEquals(0, b.exitValue());
        assertEquals(0, c.exitValue());
        LoopResult br = LoopResult.parse(new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        LoopResult cr = LoopResult.parse(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(binder, br.role());
        assertTrue(br.messages() > 0 && cr.messages() > 0, br.line() + " / " + cr.line());
        assertNotNull((binder.equals("pull") ? br : cr).latency());
    }

    private static Path cPeer() throws Exception {
        Path source = Paths.get("native", "zmq_loops.c").toAbsolutePath();
        assumeTrue(Files.isRegularFile(source), "no " + source);
        assumeTrue(Files.isRegularFile(Paths.get("/usr/include/zmq.h")), "libzmq's header is not installed");
        Path binary = Paths.get("target", "test-zmq_loops").toAbsolutePath();
        synchronized (LoopToolTest.class) {
            if (!Files.isExecutable(binary) || Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) < 0) {
                Process gcc;
                try {
                    gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString(), "-lzmq")
                            .redirectErrorStream(true).start();
                } catch (IOException e) {
                    assumeTrue(false, "gcc is not available: " + e.getMessage());
                    return binary;
                }
                assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "gcc took too long");
                String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, gcc.exitValue(), out);
            }
        }
        return binary;
    }
}
