package io.zmtp.config.replica;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Revision;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.PgConfigStore;
import io.zmtp.config.store.PgTestDatabase;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gray release with two servers on one PostgreSQL database: the gray state lives in the store, so
 * a release opened on one server reaches its selected node on the other, a node on either server
 * that was not selected never applies it, and an abort or promote made on either server reaches
 * everyone as the same revision and digest.
 */
class GrayReplicaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "app/web";

    @Test
    void aGrayReleaseOpenedOnOneReplicaIsSettledOnTheOther() throws Exception {
        Whitelist whitelist = new Whitelist()
                .node("canary-1", "pw", Map.of("canary", "true"), "app/*")
                .node("web-1", "pw", "app/*")
                .node("web-2", "pw", "app/*");
        try (PgTestDatabase db = PgTestDatabase.create();
             ZmtpContext ctx = new ZmtpContext();
             PgConfigStore storeA = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             PgConfigStore storeB = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             ConfigServer a = new ConfigServer(storeA, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx);
             ConfigServer b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx)) {
            Revision main = a.publish(NS, List.of(Change.put("color", "blue")), "ops", "main").revision();
            List<String> plainApplied = new CopyOnWriteArrayList<>();
            try (ConfigAgent canary = agent(b, ctx, "canary-1");
                 ConfigAgent webA = agent(a, ctx, "web-1");
                 ConfigAgent webB = agent(b, ctx, "web-2")) {
                for (ConfigAgent plain : List.of(webA, webB)) {
                    plain.addListener((ns, rev, changes, now) ->
                            plainApplied.add(now.get("color").map(String::new).orElse("-")));
                }
                for (ConfigAgent x : List.of(canary, webA, webB)) {
                    await().atMost(WAIT).until(() -> x.isConfirmed(NS) && x.revision(NS) == main.number());
                }

                Revision g = a.publishGray(NS, List.of(Change.put("color", "green")), "ops", "", "try", "canary=true")
                        .revision();
                await().atMost(WAIT).until(() -> canary.revision(NS) == g.number()
                        && canary.snapshot(NS).digest().equals(g.digest()));
                Revision back = b.abort(NS, "ops", "", "no").revision();
                for (ConfigAgent x : List.of(canary, webA, webB)) {
                    await().atMost(WAIT).until(() -> x.revision(NS) == back.number()
                            && x.snapshot(NS).digest().equals(main.digest()));
                }

                Revision g2 = b.publishGray(NS, List.of(Change.put("color", "red")), "ops", "", "again", "1").revision();
                await().atMost(WAIT).until(() -> canary.revision(NS) == g2.number());
                Revision promoted = a.promote(NS, "ops", "", "yes").revision();
                assertThat(promoted.digest()).isEqualTo(g2.digest());
                for (ConfigAgent x : List.of(canary, webA, webB)) {
                    await().atMost(WAIT).until(() -> x.revision(NS) == promoted.number()
                            && x.snapshot(NS).digest().equals(promoted.digest()));
                }
                assertThat(plainApplied).doesNotContain("green").endsWith("red");
            }
        }
    }

    private static ConfigAgent agent(ConfigServer server, ZmtpContext ctx, String node) {
        return ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint()).node(node, "pw")
                .namespaces(NS).context(ctx).reportInterval(Duration.ofMillis(200)).start();
    }
}
