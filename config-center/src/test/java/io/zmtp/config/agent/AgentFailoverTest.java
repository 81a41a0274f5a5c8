package io.zmtp.config.agent;

import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Socket;
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
 * The agent's side of failover, without PostgreSQL: two servers that hold the same history (each
 * given the same change sets, so each revision has the same digest on both), as replicas would.
 * When the first stops, the agent moves to the second and resyncs from the revision it holds:
 * nothing applied twice, nothing skipped.
 */
class AgentFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "app/web";

    @TempDir
    Path dir;

    /** Two servers on stores of their own, with node web-1 whitelisted on both. */
    private static final class Replicas implements AutoCloseable {
        final ZmtpContext ctx = new ZmtpContext();
        final H2ConfigStore storeA;
        final H2ConfigStore storeB;
        final ConfigServer a;
        final ConfigServer b;

        Replicas(Path dir) {
            Whitelist whitelist = new Whitelist().node("web-1", "pw", "app/*");
            storeA = H2ConfigStore.open(dir.resolve("a"), StoreLimits.defaults());
            storeB = H2ConfigStore.open(dir.resolve("b"), StoreLimits.defaults());
            a = new ConfigServer(storeA, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(100), ctx);
            b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(100), ctx);
        }

        /** The same change set published on both, as the next revision of each. */
        void publishOnBoth(Change change, String message) {
            a.publish(NS, List.of(change), "ops", message);
            b.publish(NS, List.of(change), "ops", message);
        }

        /** Node web-1 following {@link #NS}, on a and then b. */
        ConfigAgent agent(Duration failoverAfter) {
            return ConfigAgent.builder().server(a.updatesEndpoint(), a.syncEndpoint())
                    .alsoServer(b.updatesEndpoint(), b.syncEndpoint()).failoverAfter(failoverAfter)
                    .node("web-1", "pw").namespaces(NS).context(ctx).start();
        }

        @Override
        public void close() {
            a.close();
            b.close();
            storeA.close();
            storeB.close();
            ctx.close();
        }
    }

    @Test
    void whenItsServerStopsTheAgentMovesToTheNextAndGoesOnFromTheRevisionItHolds() {
        List<Long> applied = new ArrayList<>();
        try (Replicas r = new Replicas(dir)) {
            r.publishOnBoth(Change.put("port", "8080"), "one");
            r.publishOnBoth(Change.put("port", "8081"), "two");
            try (ConfigAgent agent = r.agent(Duration.ofMillis(800))) {
                agent.addListener((ns, rev, changes, now) -> {
                    synchronized (applied) {
                        applied.add(rev);
                    }
                });
                await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 2);
                assertThat(agent.server().sync()).isEqualTo(r.a.syncEndpoint());
                synchronized (applied) {
                    applied.clear();
                }

                r.a.close();
                r.b.publish(NS, List.of(Change.put("host", "web")), "ops", "three");
                r.b.publish(NS, List.of(Change.delete("port")), "ops", "four");

                await().atMost(WAIT).until(() -> agent.revision(NS) == 4);
                assertThat(agent.server().sync()).isEqualTo(r.b.syncEndpoint());
                assertThat(agent.snapshot(NS).digest()).isEqualTo(r.storeB.snapshot(NS).digest());
                synchronized (applied) {
                    assertThat(applied).containsExactly(3L, 4L);
                }
            }
        }
    }

    /**
     * With a failover time far longer than the test may wait, the agent still moves on when its
     * server goes: the connection dropped (and the standby is up, or a reconnect was refused), so
     * waiting for silence would only add the failover time to every failover.
     */
    @Test
    void anAgentWhoseServerWentAwayMovesOnWithoutWaitingForTheFailoverTime() {
        try (Replicas r = new Replicas(dir)) {
            r.publishOnBoth(Change.put("port", "8080"), "one");
            try (ConfigAgent agent = r.agent(Duration.ofMinutes(10))) {
                await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 1);
                assertThat(agent.server().sync()).isEqualTo(r.a.syncEndpoint());

                r.a.close();  // its ports close: the agent's connection drops and reconnecting is refused
                r.b.publish(NS, List.of(Change.put("host", "web")), "ops", "two");

                await().atMost(WAIT).until(() -> agent.revision(NS) == 2);
                assertThat(agent.server().sync()).isEqualTo(r.b.syncEndpoint());
                assertThat(agent.snapshot(NS).digest()).isEqualTo(r.storeB.snapshot(NS).digest());
            }
        }
    }

    /**
     * Once in step with the first server, the agent keeps its sockets to the next connected (through
     * their handshakes), subscribed to nothing; when the first goes, those sockets become the ones it
     * uses, subscribed then (it hears the second's later revisions on them), and once in step with
     * the second it opens a new standby to the server after (here the first again).
     */
    @Test
    void theNextServersSocketsStandByAndCarryTheAgentWhenItsServerGoes() {
        try (Replicas r = new Replicas(dir)) {
            r.publishOnBoth(Change.put("port", "8080"), "one");
            try (ConfigAgent agent = r.agent(Duration.ofMinutes(10))) {
                await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 1 && agent.standbyUp());
                assertThat(agent.server().sync()).isEqualTo(r.a.syncEndpoint());
                assertThat(agent.standbyServer().sync()).isEqualTo(r.b.syncEndpoint());
                Socket standing = agent.standbyDealer();

                r.a.close();
                await().atMost(WAIT).until(() -> agent.server().sync().equals(r.b.syncEndpoint()));
                assertThat(agent.activeDealer()).isSameAs(standing);
                // In step with the second, it opens a standby to the server after it: the first again.
                await().atMost(WAIT).until(() -> agent.standbyServer() != null);
                assertThat(agent.standbyServer().sync()).isEqualTo(r.a.syncEndpoint());

                // Later revisions arrive on the sockets that stood by: they are subscribed now.
                r.b.publish(NS, List.of(Change.put("host", "web")), "ops", "two");
                r.b.publish(NS, List.of(Change.delete("port")), "ops", "three");
                await().atMost(WAIT).until(() -> agent.revision(NS) == 3);
                assertThat(agent.snapshot(NS).digest()).isEqualTo(r.storeB.snapshot(NS).digest());
                assertThat(agent.activeDealer()).isSameAs(standing);
            }
        }
    }
}
