package io.zmtp.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.protocol.Wire;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * kill -9 of the config server during bursts of puts: each round starts the {@code config-center
 * server} command in a JVM of its own on the same data directory, puts revisions through the admin
 * protocol from a thread, and kills the process (SIGKILL) once a random number of puts were
 * acknowledged, with more in flight. At the end a fresh server reads the history back: every
 * acknowledged revision must be there with its content (message), and no revision number may have
 * been acknowledged twice.
 */
final class KillLoop {
    static final String NS = "soak/kill";

    /** The outcome: rounds, puts acknowledged, acknowledged revisions missing, numbers acknowledged twice. */
    record Result(int rounds, long acknowledged, long lost, long reused, long stored, String note) {
    }

    private final Path dir;
    private final Random random;
    private final int updatesPort;
    private final int syncPort;
    private final Map<Long, String> acknowledged = new HashMap<>();
    private long reused;

    KillLoop(Path dir, long seed) throws IOException {
        this.dir = dir;
        this.random = new Random(seed);
        updatesPort = freePort();
        syncPort = freePort();
        Files.writeString(dir.resolve("whitelist"), "admin ops adm1n\n");
    }

    Result run(int rounds) throws Exception {
        long unacknowledged = 0;
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            for (int round = 0; round < rounds; round++) {
                Process server = startServer("round-" + round);
                Burst burst = new Burst(ctx, round);
                Thread t = new Thread(burst, "kill-loop-puts");
                t.start();
                int target = 5 + random.nextInt(40);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (burst.acked.size() < target && t.isAlive() && System.nanoTime() < end) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                server.destroyForcibly();           // SIGKILL on Linux
                server.waitFor(30, TimeUnit.SECONDS);
                burst.stop = true;
                t.join(30_000);
                unacknowledged += burst.sentNotAcked;
                for (Map.Entry<Long, String> e : burst.acked) {
                    if (acknowledged.putIfAbsent(e.getKey(), e.getValue()) != null) {
                        reused++;
                    }
                }
            }
            return verify(ctx, rounds, unacknowledged);
        }
    }

    private Result verify(ZmtpContext ctx, int rounds, long unacknowledged) throws Exception {
        Process server = startServer("verify");
        try {
            Map<Long, String> stored = new HashMap<>();
            long storedReused = 0;
            try (Admin admin = new Admin(ctx)) {
                long after = 0;
                for (int page = 0; page < 100_000; page++) {
                    ObjectNode h = Wire.object();
                    h.put("ns", NS).put("after", after).put("limit", 100);
                    JsonNode revisions = admin.call("history", h, List.of()).path("revisions");
                    if (revisions.isEmpty()) {
                        break;
                    }
                    for (JsonNode r : revisions) {
                        if (stored.put(r.path("rev").asLong(), r.path("message").asText()) != null) {
                            storedReused++;
                        }
                        after = Math.max(after, r.path("rev").asLong());
                    }
                }
            }
            long lost = acknowledged.entrySet().stream()
                    .filter(e -> !e.getValue().equals(stored.get(e.getKey()))).count();
            return new Result(rounds, acknowledged.size(), lost, reused + storedReused, stored.size(),
                    unacknowledged + " puts were in flight at a kill (not acknowledged; each may or may not be stored)");
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process startServer(String name) throws IOException, InterruptedException {
        Path log = dir.resolve("server-" + name + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                "io.zmtp.config.cli.ConfigCenterCommand", "server", "--data", dir.resolve("data").toString(),
                "--whitelist", dir.resolve("whitelist").toString(),
                "--updates", "tcp://127.0.0.1:" + updatesPort, "--sync", "tcp://127.0.0.1:" + syncPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end && p.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains("config-center server: updates")) {
                return p;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the config server did not start; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Puts one revision after another until stopped or the server stops answering. */
    private final class Burst implements Runnable {
        final List<Map.Entry<Long, String>> acked = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ZmtpContext ctx;
        final int round;
        volatile boolean stop;
        long sentNotAcked;

        Burst(ZmtpContext ctx, int round) {
            this.ctx = ctx;
            this.round = round;
        }

        @Override
        public void run() {
            try (Admin admin = new Admin(ctx)) {
                for (int i = 0; !stop && i < 1_000_000; i++) {
                    String message = "round " + round + " put " + i;
                    ObjectNode h = Wire.object();
                    h.put("ns", NS).put("message", message); // the author is the admin the server authenticated
                    h.putArray("changes").addObject().put("key", "k" + (i % 10)).put("op", "put");
                    JsonNode result;
                    try {
                        result = admin.call("put", h, List.of(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    } catch (IllegalStateException noAnswer) {
                        sentNotAcked++;
                        return;
                    }
                    acked.add(Map.entry(result.path("rev").asLong(), message));
                }
            }
        }
    }

    /** A DEALER with the admin's PLAIN credential; one request at a time, matched by its number. */
    private final class Admin implements AutoCloseable {
        private final Socket dealer;
        private long req;

        Admin(ZmtpContext ctx) {
            dealer = ctx.socket(SocketType.DEALER);
            dealer.options().linger(0).plainCredentials("ops", "adm1n");
            dealer.connect("tcp://127.0.0.1:" + syncPort);
        }

        JsonNode call(String op, ObjectNode header, List<byte[]> values) {
            long id = ++req;
            header.put("op", op).put("req", id);
            Message m = Wire.command(Wire.ADMIN, header);
            values.forEach(m::add);
            if (!dealer.send(m, Duration.ofSeconds(2))) {
                m.close();
                throw new IllegalStateException("send timed out");
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end) {
                try (Message reply = dealer.receive(Duration.ofMillis(100))) {
                    if (reply == null) {
                        continue;
                    }
                    ObjectNode h = Wire.header(reply.bytes(1));
                    if (h.path("req").asLong() != id) {
                        continue;
                    }
                    if (reply.string(0).equals(Wire.ERROR)) {
                        throw new IllegalStateException(h.path("reason").asText());
                    }
                    return h;
                }
            }
            throw new IllegalStateException("no answer within 2 s");
        }

        @Override
        public void close() {
            dealer.close();
        }
    }
}
