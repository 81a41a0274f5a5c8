package io.zmtp.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.protocol.Wire;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile-input finding A as it was found: a server with default settings, a namespace of 60
 * values of 1 MiB, and a whitelisted node that sends 150 {@code SYNC from 0} and never reads. The
 * server used to queue 60 MiB per request; its thread died of OutOfMemoryError after a few, and
 * the process stayed up accepting connections it never answered. Now it answers an admin at once
 * afterwards, and its resident memory grows by less than the documented bound. The server runs
 * in a JVM of its own with a 768 MiB heap (the finding used 512 MiB; there H2 itself sometimes
 * failed to commit the 60 MiB, humongous 1 MiB values fragmenting G1's heap).
 */
class SilentNodeAttackTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Twice the default total backlog (2 x 128 MiB) plus one namespace (64 MiB), in bytes. */
    private static final long RSS_GROWTH_BOUND = 320L << 20;

    @TempDir
    Path dir;

    @Test
    void aServerFloodedWithUnreadSyncsStaysUpAndAnswersOthersAtOnce() throws Exception {
        Process server = startServer(60);
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            String sync = syncEndpoint(server);
            Socket admin = admin(ctx, sync);
            long idleRss = residentBytes(server.pid());

            try (SilentNode silent = new SilentNode(sync, "silent", "pw")) {
                silent.syncFromZero("silent", "app/big", 150);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                    JsonNode r = status(admin).path("requests");
                    return r.path("busy").asLong() + r.path("dropped").asLong() >= 149;
                });
                checkServing(admin, server, idleRss, "silent-node attack");
            }
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /**
     * Findings D and E against the same kind of server: 20 unauthenticated connections each
     * declaring a 2 GiB command frame (it used to be buffered for the whole handshake timeout),
     * then a whitelisted node sending a multipart message of empty frames that never ends (it
     * used to grow the heap without bound). Each is cut off, and afterwards an admin is answered
     * at once and the process's resident memory has not grown past the bound.
     */
    @Test
    void giantFramesBeforeLoginAndEndlessMessagesAfterItAreCutOff() throws Exception {
        Process server = startServer(0);
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            String sync = syncEndpoint(server);
            Socket admin = admin(ctx, sync);
            status(admin);
            long idleRss = residentBytes(server.pid());

            // D: a PLAIN greeting, then a command frame header declaring 2^31 - 17 bytes, then 256 KiB of it.
            String hostPort = sync.substring("tcp://".length());
            int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            java.util.List<java.net.Socket> giants = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                    s.setSoTimeout((int) WAIT.toMillis());
                    giants.add(s);
                    java.io.OutputStream o = s.getOutputStream();
                    byte[] greeting = new byte[64];
                    greeting[0] = (byte) 0xff;
                    greeting[9] = 0x7f;
                    greeting[10] = 3;
                    greeting[11] = 1;
                    System.arraycopy("PLAIN".getBytes(StandardCharsets.US_ASCII), 0, greeting, 12, 5);
                    o.write(greeting);
                    o.write(new byte[] {0x06, 0, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xef});
                    try {
                        o.write(new byte[256 * 1024]);
                        o.flush();
                    } catch (IOException closedAlready) {
                        // The server may close before all of it is written.
                    }
                }
                for (java.net.Socket s : giants) {
                    assertThat(drainsToEnd(s)).as("the server closes a connection that declared 2 GiB").isTrue();
                }
            } finally {
                for (java.net.Socket s : giants) {
                    s.close();
                }
            }
            checkServing(admin, server, idleRss, "giant frames before login");

            // E: a whitelisted node sends 1,000,000 empty frames, each with MORE set, and never a last one.
            try (SilentNode node = new SilentNode(sync, "silent", "pw")) {
                io.netty.buffer.ByteBuf frames = io.netty.buffer.Unpooled.buffer(2 * 1_000_000);
                for (int i = 0; i < 1_000_000; i++) {
                    frames.writeByte(0x01).writeByte(0);
                }
                node.readAgain();
                node.writeRaw(frames);
                assertThat(node.closed().await(WAIT.toMillis())).as("the server closes the endless message's connection").isTrue();
            }
            checkServing(admin, server, idleRss, "an endless message after login");
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** Reads until the peer closes; false if it did not within the socket's timeout. */
    private static boolean drainsToEnd(java.net.Socket s) {
        try {
            java.io.InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // The server's greeting and whatever it says before closing.
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** After an attack: the admin is answered within 100 ms (best of five), the server lives, its memory is bounded. */
    private static void checkServing(Socket admin, Process server, long idleRss, String attack) throws IOException {
        Duration best = Duration.ofDays(1);
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            status(admin);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            best = took.compareTo(best) < 0 ? took : best;
        }
        long rss = residentBytes(server.pid());
        System.out.printf("%s: status in %d us; resident %d MiB idle, %d MiB after%n", attack,
                best.toNanos() / 1000, idleRss >> 20, rss >> 20);
        assertThat(best).as(attack).isLessThan(Duration.ofMillis(100));
        assertThat(server.isAlive()).as(attack).isTrue();
        if (idleRss > 0) {
            assertThat(rss - idleRss).as(attack).isLessThan(RSS_GROWTH_BOUND);
        }
    }

    /** A {@link ServerProcess} with {@code values} values of 1 MiB, in a JVM of its own. */
    private Process startServer(int values) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx768m", "-cp", System.getProperty("java.class.path"),
                ServerProcess.class.getName(), dir.resolve("data").toString(), Integer.toString(values))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The sync endpoint the server prints once it serves. */
    private static String syncEndpoint(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ready).startsWith("READY ");
        return ready.split(" ")[2];
    }

    private static Socket admin(ZmtpContext ctx, String sync) {
        Socket admin = ctx.socket(SocketType.DEALER);
        admin.options().linger(0).plainCredentials("ops", "adm");
        admin.connect(sync);
        return admin;
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long req;

    /** One admin {@code status}; fails the test when it is not answered within {@link #WAIT}. */
    private static JsonNode status(Socket admin) {
        ObjectNode h = Wire.object();
        h.put("op", "status");
        h.put("req", ++req);
        assertThat(admin.send(Wire.command(Wire.ADMIN, h), WAIT)).isTrue();
        while (true) {
            try (Message reply = admin.receive(WAIT)) {
                assertThat(reply).as("status answered").isNotNull();
                ObjectNode r = Wire.header(reply.bytes(1));
                if (r.path("req").asLong() == req) {
                    assertThat(reply.string(0)).isEqualTo(Wire.RESULT);
                    return r;
                }
            }
        }
    }

    /** The process's resident set from /proc, or 0 where there is none. */
    private static long residentBytes(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(status);
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
