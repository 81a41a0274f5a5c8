package io.zmtp.config.replica;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.PgConfigStore;
import io.zmtp.config.store.PgTestDatabase;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19: two servers on one PostgreSQL database. What an admin publishes (or rolls back) on
 * one reaches the agents of the other, in order, each revision once, with the same digest.
 */
class ReplicaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "app/web";

    @Test
    void aPublishAndARollbackOnOneReplicaReachAnAgentOfTheOther() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw", "app/*");
        List<Long> applied = new ArrayList<>();
        try (PgTestDatabase db = PgTestDatabase.create();
             ZmtpContext ctx = new ZmtpContext();
             PgConfigStore storeA = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             PgConfigStore storeB = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             ConfigServer a = new ConfigServer(storeA, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx);
             ConfigServer b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx)) {
            a.publish(NS, List.of(Change.put("port", "8080")), "ops", "first");
            try (ConfigAgent agent = ConfigAgent.builder().server(b.updatesEndpoint(), b.syncEndpoint())
                    .node("web-1", "pw").namespaces(NS).context(ctx).start()) {
                agent.addListener((ns, rev, changes, now) -> {
                    synchronized (applied) {
                        applied.add(rev);
                    }
                });
                await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 1);
                synchronized (applied) {
                    applied.clear();  // what the first sync brought, whenever the listener was added
                }

                a.publish(NS, List.of(Change.put("port", "8081")), "ops", "second");
                a.publish(NS, List.of(Change.put("host", "web"), Change.delete("port")), "ops", "third");
                a.rollback(NS, 2, "ops", "back to the second");
                String digest = storeA.snapshot(NS).digest();

                await().atMost(WAIT).until(() -> agent.revision(NS) == 4);
                assertThat(agent.snapshot(NS).digest()).isEqualTo(digest);
                assertThat(agent.getString(NS, "port")).contains("8081");
                assertThat(agent.get(NS, "host")).isEmpty();
                synchronized (applied) {
                    assertThat(applied).containsExactly(2L, 3L, 4L);
                }
            }
        }
    }

    @Test
    void revisionsCommittedElsewhereReachTheAgentsAsUpdatesInOrder() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw", "app/*");
        List<Long> applied = new ArrayList<>();
        int burst = 50;
        try (PgTestDatabase db = PgTestDatabase.create();
             ZmtpContext ctx = new ZmtpContext();
             PgConfigStore storeB = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             PgConfigStore writer = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             ConfigServer b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofSeconds(3), ctx)) {
            // Heartbeats are rare here, so the revisions reach the agent mostly as B's UPDATEs.
            writer.commit(NS, List.of(Change.put("n", "0")), "ops", "start");
            try (ConfigAgent agent = ConfigAgent.builder().server(b.updatesEndpoint(), b.syncEndpoint())
                    .node("web-1", "pw").namespaces(NS).context(ctx).start()) {
                await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 1);
                agent.addListener((ns, rev, changes, now) -> {
                    synchronized (applied) {
                        applied.add(rev);
                    }
                });
                for (int i = 1; i <= burst; i++) {
                    writer.commit(NS, List.of(Change.put("n", Integer.toString(i))), "ops", "#" + i);
                }
                String digest = writer.snapshot(NS).digest();
                await().atMost(WAIT).until(() -> agent.revision(NS) == burst + 1);
                assertThat(agent.snapshot(NS).digest()).isEqualTo(digest);
                synchronized (applied) {
                    assertThat(applied).containsExactlyElementsOf(LongStream.rangeClosed(2, burst + 1).boxed().toList());
                }
            }
        }
    }
}
