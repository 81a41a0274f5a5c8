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
 * When the first stops, the agent moves to the second after its silence and resyncs from the
 * revision it holds: nothing applied twice, nothing skipped.
 */
class AgentFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "app/web";

    @TempDir
    Path dir;

    @Test
    void whenItsServerStopsTheAgentMovesToTheNextAndGoesOnFromTheRevisionItHolds() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw", "app/*");
        List<Long> applied = new ArrayList<>();
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore storeA = H2ConfigStore.open(dir.resolve("a"), StoreLimits.defaults());
             H2ConfigStore storeB = H2ConfigStore.open(dir.resolve("b"), StoreLimits.defaults());
             ConfigServer b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(100), ctx)) {
            ConfigServer a = new ConfigServer(storeA, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                    Duration.ofMillis(100), ctx);
            try {
                for (ConfigServer s : List.of(a, b)) {
                    s.publish(NS, List.of(Change.put("port", "8080")), "ops", "one");
                    s.publish(NS, List.of(Change.put("port", "8081")), "ops", "two");
                }
                try (ConfigAgent agent = ConfigAgent.builder().server(a.updatesEndpoint(), a.syncEndpoint())
                        .alsoServer(b.updatesEndpoint(), b.syncEndpoint()).failoverAfter(Duration.ofMillis(800))
                        .node("web-1", "pw").namespaces(NS).context(ctx).start()) {
                    agent.addListener((ns, rev, changes, now) -> {
                        synchronized (applied) {
                            applied.add(rev);
                        }
                    });
                    await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 2);
                    assertThat(agent.server().sync()).isEqualTo(a.syncEndpoint());
                    synchronized (applied) {
                        applied.clear();
                    }

                    a.close();
                    b.publish(NS, List.of(Change.put("host", "web")), "ops", "three");
                    b.publish(NS, List.of(Change.delete("port")), "ops", "four");

                    await().atMost(WAIT).until(() -> agent.revision(NS) == 4);
                    assertThat(agent.server().sync()).isEqualTo(b.syncEndpoint());
                    assertThat(agent.snapshot(NS).digest()).isEqualTo(storeB.snapshot(NS).digest());
                    synchronized (applied) {
                        assertThat(applied).containsExactly(3L, 4L);
                    }
                }
            } finally {
                a.close();
            }
        }
    }

    /**
     * With a failover time far longer than the test may wait, the agent still moves on when its
     * server goes: the connection dropped and a reconnect was refused, so waiting for silence would
     * only add the failover time to every failover.
     */
    @Test
    void anAgentWhoseServerWentAwayMovesOnWithoutWaitingForTheFailoverTime() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw", "app/*");
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore storeA = H2ConfigStore.open(dir.resolve("a"), StoreLimits.defaults());
             H2ConfigStore storeB = H2ConfigStore.open(dir.resolve("b"), StoreLimits.defaults());
             ConfigServer b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(100), ctx)) {
            ConfigServer a = new ConfigServer(storeA, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                    Duration.ofMillis(100), ctx);
            try {
                for (ConfigServer s : List.of(a, b)) {
                    s.publish(NS, List.of(Change.put("port", "8080")), "ops", "one");
                }
                try (ConfigAgent agent = ConfigAgent.builder().server(a.updatesEndpoint(), a.syncEndpoint())
                        .alsoServer(b.updatesEndpoint(), b.syncEndpoint()).failoverAfter(Duration.ofMinutes(10))
                        .node("web-1", "pw").namespaces(NS).context(ctx).start()) {
                    await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 1);
                    assertThat(agent.server().sync()).isEqualTo(a.syncEndpoint());

                    a.close();  // its ports close: the agent's connection drops and reconnecting is refused
                    b.publish(NS, List.of(Change.put("host", "web")), "ops", "two");

                    await().atMost(WAIT).until(() -> agent.revision(NS) == 2);
                    assertThat(agent.server().sync()).isEqualTo(b.syncEndpoint());
                    assertThat(agent.snapshot(NS).digest()).isEqualTo(storeB.snapshot(NS).digest());
                }
            } finally {
                a.close();
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
    void theNextServersSocketsStandByAndCarryTheAgentWhenItsServerGoes() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw", "app/*");
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore storeA = H2ConfigStore.open(dir.resolve("a"), StoreLimits.defaults());
             H2ConfigStore storeB = H2ConfigStore.open(dir.resolve("b"), StoreLimits.defaults());
             ConfigServer b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(100), ctx)) {
            ConfigServer a = new ConfigServer(storeA, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                    Duration.ofMillis(100), ctx);
            try {
                for (ConfigServer s : List.of(a, b)) {
                    s.publish(NS, List.of(Change.put("port", "8080")), "ops", "one");
                }
                try (ConfigAgent agent = ConfigAgent.builder().server(a.updatesEndpoint(), a.syncEndpoint())
                        .alsoServer(b.updatesEndpoint(), b.syncEndpoint()).failoverAfter(Duration.ofMinutes(10))
                        .node("web-1", "pw").namespaces(NS).context(ctx).start()) {
                    await().atMost(WAIT).until(() -> agent.isConfirmed(NS) && agent.revision(NS) == 1 && agent.standbyUp());
                    assertThat(agent.server().sync()).isEqualTo(a.syncEndpoint());
                    assertThat(agent.standbyServer().sync()).isEqualTo(b.syncEndpoint());
                    Socket standing = agent.standbyDealer();

                    a.close();
                    await().atMost(WAIT).until(() -> agent.server().sync().equals(b.syncEndpoint()));
                    assertThat(agent.activeDealer()).isSameAs(standing);
                    // In step with the second, it opens a standby to the server after it: the first again.
                    await().atMost(WAIT).until(() -> agent.standbyServer() != null);
                    assertThat(agent.standbyServer().sync()).isEqualTo(a.syncEndpoint());

                    // Later revisions arrive on the sockets that stood by: they are subscribed now.
                    b.publish(NS, List.of(Change.put("host", "web")), "ops", "two");
                    b.publish(NS, List.of(Change.delete("port")), "ops", "three");
                    await().atMost(WAIT).until(() -> agent.revision(NS) == 3);
                    assertThat(agent.snapshot(NS).digest()).isEqualTo(storeB.snapshot(NS).digest());
                    assertThat(agent.activeDealer()).isSameAs(standing);
                }
            } finally {
                a.close();
            }
        }
    }
}
