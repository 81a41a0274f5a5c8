package io.zmtp.config;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 200 agents in one JVM over real TCP, and a burst of 1,000 change sets: every agent ends at the
 * same revision and digest as the server. The time to converge is printed (a record, not an
 * assertion: speed belongs to benchmarks).
 */
class ScaleTest {
    private static final int AGENTS = 200;
    private static final int CHANGE_SETS = 1000;

    @TempDir
    Path dir;

    @Test
    void twoHundredAgentsConvergeAfterABurstOfAThousandChangeSets() throws Exception {
        Whitelist whitelist = new Whitelist();
        for (int i = 0; i < AGENTS; i++) {
            whitelist.node("n" + i, "p" + i, "app/*");
        }
        List<ConfigAgent> agents = new ArrayList<>();
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(500), ctx)) {
            for (int i = 0; i < AGENTS; i++) {
                agents.add(ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                        .node("n" + i, "p" + i).namespaces("app/burst").context(ctx)
                        .reportInterval(Duration.ofSeconds(2)).start());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> agents.stream().allMatch(a -> a.isConfirmed("app/burst")));

            long start = System.nanoTime();
            for (int i = 1; i <= CHANGE_SETS; i++) {
                server.publish("app/burst", List.of(Change.put("key" + (i % 50), "value " + i)), "burst", "#" + i);
            }
            long published = System.nanoTime();
            String digest = store.snapshot("app/burst").digest();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> agents.stream()
                    .allMatch(a -> a.revision("app/burst") == CHANGE_SETS && a.snapshot("app/burst").digest().equals(digest)));
            long converged = System.nanoTime();
            System.out.printf("ScaleTest: %d agents, %d change sets: published in %d ms, all converged %d ms after the first%n",
                    AGENTS, CHANGE_SETS, (published - start) / 1_000_000, (converged - start) / 1_000_000);
            assertThat(agents).allSatisfy(a -> assertThat(a.snapshot("app/burst").size()).isEqualTo(50));
            agents.forEach(ConfigAgent::close);
        }
    }
}
