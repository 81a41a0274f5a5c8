package io.zmtp.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Revision;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gray release needs no change to an agent written from PROTOCOL.md before it existed: the Python
 * agent (src/test/python/agent.py, unchanged) as a node the release did not select keeps the main
 * line and never announces the gray revision's digest; as a selected node it gets the gray
 * revision by SYNC; after an abort both end at one revision with the main line's digest, and
 * after a promote at the promoted one. Skipped, saying why, when /usr/bin/python3 has no zmq.
 */
class PythonGrayTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path AGENT = Path.of("src/test/python/agent.py");
    private static final String NS = "app/web";

    /** A running Python agent and every "rev digest" it announced. */
    private record PyAgent(Process process, List<String> announced, StringBuilder errors) implements AutoCloseable {
        String last() {
            return announced.isEmpty() ? "" : announced.get(announced.size() - 1);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void pythonAgentsWrittenBeforeGrayReleaseFollowIt() throws Exception {
        Assumptions.assumeTrue(pythonHasZmq(), PYTHON + " with the zmq module (python3-zmq) is missing");
        Whitelist whitelist = new Whitelist()
                .node("py-plain", "pw", "app/*")
                .node("py-canary", "pw", Map.of("canary", "true"), "app/*");
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore store = H2ConfigStore.inMemory(StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx)) {
            Revision main = server.publish(NS, List.of(Change.put("color", "blue")), "ops", "main").revision();
            try (PyAgent plain = start(server, "py-plain");
                 PyAgent canary = start(server, "py-canary")) {
                awaitAnnounced(plain, main);
                awaitAnnounced(canary, main);

                Revision g = server.publishGray(NS, List.of(Change.put("color", "green")), "ops", "", "try",
                        "canary=true").revision();
                awaitAnnounced(canary, g);
                await().atMost(WAIT).until(() -> row(server, "py-canary").path("gray").asBoolean()
                        && row(server, "py-plain").path("upToDate").asBoolean()
                        && row(server, "py-plain").path("digestOk").asBoolean());
                assertThat(plain.last()).isEqualTo(main.number() + " " + main.digest());

                Revision back = server.abort(NS, "ops", "", "no").revision();
                assertThat(back.digest()).isEqualTo(main.digest());
                awaitAnnounced(plain, back);
                awaitAnnounced(canary, back);

                Revision g2 = server.publishGray(NS, List.of(Change.put("color", "red")), "ops", "", "again",
                        "canary=true").revision();
                awaitAnnounced(canary, g2);
                Revision promoted = server.promote(NS, "ops", "", "yes").revision();
                awaitAnnounced(plain, promoted);
                awaitAnnounced(canary, promoted);
                assertThat(plain.announced()).noneMatch(l -> l.endsWith(" " + g.digest()))
                        .noneMatch(l -> l.startsWith(g.number() + " "));
            }
        }
    }

    private static JsonNode row(ConfigServer server, String node) {
        for (JsonNode r : server.status().path("nodes")) {
            if (r.path("node").asText().equals(node)) {
                return r;
            }
        }
        return Wire.object();
    }

    private static void awaitAnnounced(PyAgent agent, Revision r) {
        await().atMost(WAIT).failFast("the Python agent exited", () -> !agent.process().isAlive()).untilAsserted(() -> {
            synchronized (agent.errors()) {
                assertThat(agent.last()).as("python agent (stderr: %s)", agent.errors())
                        .isEqualTo(r.number() + " " + r.digest());
            }
        });
    }

    private static PyAgent start(ConfigServer server, String node) throws IOException {
        Process p = new ProcessBuilder(PYTHON, AGENT.toString(), server.updatesEndpoint(), server.syncEndpoint(), node,
                "pw", NS).start();
        List<String> announced = new CopyOnWriteArrayList<>();
        StringBuilder errors = new StringBuilder();
        read(p.getInputStream(), line -> {
            JsonNode j = Wire.header(line.getBytes(StandardCharsets.UTF_8));
            announced.add(j.get("rev").asLong() + " " + j.get("digest").asText());
        });
        read(p.getErrorStream(), line -> {
            synchronized (errors) {
                errors.append(line).append('\n');
            }
        });
        return new PyAgent(p, announced, errors);
    }

    private static void read(java.io.InputStream in, java.util.function.Consumer<String> line) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    line.accept(l);
                }
            } catch (IOException | RuntimeException ignored) {
                // the process went away
            }
        }, "python-agent-output");
        t.setDaemon(true);
        t.start();
    }

    private static boolean pythonHasZmq() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
