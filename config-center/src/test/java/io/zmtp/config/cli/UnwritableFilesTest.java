package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.Rollout;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile-input finding F: an agent whose cache or write-dir could not be written logged a WARN
 * and reported the revision as applied, so status showed its digest OK. Now the revision is
 * reported as failed with the reason until a retry writes the files. The directories sit below
 * a regular file, so the writes fail for root too (where permissions would not stop them).
 */
class UnwritableFilesTest extends ServerTestBase {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private JsonNode row() {
        return StreamSupport.stream(server.status().path("nodes").spliterator(), false)
                .filter(r -> r.path("node").asText().equals("web-1")).findFirst().orElseThrow();
    }

    private ConfigAgent agent(Path cacheDir, Path writeDir) {
        ConfigAgent.Builder b = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                .node("web-1", "pw").namespaces("app/web").context(ctx).reportInterval(Duration.ofMillis(200))
                .cacheDir(cacheDir);
        if (writeDir != null) {
            b.writeDir(writeDir, "json");
        }
        return b.start();
    }

    private static String stdout(Runnable r) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRevisionWhoseCacheCannotBeWrittenIsFailedInStatusUntilARetryWritesIt() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file where the cache's parent should be");
        Path cache = blocker.resolve("cache");
        server.publish("app/web", List.of(Change.put("port", "8080")), "test", "");
        try (ConfigAgent agent = agent(cache, null)) {
            await().atMost(WAIT).until(() -> agent.revision("app/web") == 1);
            await().atMost(WAIT).until(() -> row().has("error"));
            assertThat(row().path("digestOk").asBoolean()).isFalse();
            assertThat(row().path("rev").asLong()).isEqualTo(1);
            assertThat(row().path("error").asText()).contains("cannot write the cache").contains(cache.toString());
            assertThat(agent.writeError("app/web")).contains("cannot write the cache");
            assertThat(server.rollout("app/web", 1).states()).containsEntry("web-1", Rollout.State.FAILED);
            String table = stdout(() -> ConfigCenterCommand.run("status", "--server", server.syncEndpoint(),
                    "--admin=ops", "--admin-password=adm"));
            assertThat(table).containsPattern("web-1 +app/web +1 +1 .* NO .*cannot write the cache");

            Files.delete(blocker);
            await().atMost(WAIT).until(() -> !row().has("error") && row().path("digestOk").asBoolean());
            assertThat(agent.writeError("app/web")).isNull();
            assertThat(cache.resolve("app%2Fweb.cache.json")).exists();
            assertThat(server.rollout("app/web", 1).states()).containsEntry("web-1", Rollout.State.APPLIED);
        }
    }

    @Test
    void putWaitStopsAtAFailedNodeAndSaysWhy() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        try (ConfigAgent agent = agent(dir.resolve("cache"), blocker.resolve("files"))) {
            await().atMost(WAIT).until(() -> server.tracker().online("web-1", Duration.ofSeconds(1)));
            int[] code = new int[1];
            long started = System.nanoTime();
            String out = stdout(() -> code[0] = ConfigCenterCommand.run("put", "app/web", "a=1", "--wait", "all",
                    "--timeout", "60s", "--server", server.syncEndpoint(), "--admin=ops", "--admin-password=adm"));
            assertThat(code[0]).as(out).isEqualTo(1);
            assertThat(out).contains("web-1: failed").contains("0/1 nodes applied r1");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(agent.writeError("app/web")).contains("cannot write the write-dir");
        }
    }
}
