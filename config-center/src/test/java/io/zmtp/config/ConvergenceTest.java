package io.zmtp.config;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Rollout;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real server, real H2 store, real agents over TCP loopback: everyone converges. */
class ConvergenceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofMillis(200);

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;
    private final List<ConfigAgent> agents = new ArrayList<>();
    private final Whitelist whitelist = new Whitelist()
            .node("web-1", "pw1", "app/web", "app/common")
            .node("web-2", "pw2", "app/web")
            .node("db-1", "pw3", "app/db*")
            .admin("ops", "adm");

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = startServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*");
    }

    private ConfigServer startServer(String updates, String sync) {
        return new ConfigServer(store, whitelist, updates, sync, HEARTBEAT, ctx);
    }

    @AfterEach
    void tearDown() throws Exception {
        agents.forEach(ConfigAgent::close);
        if (server != null) {
            server.close();
        }
        store.close();
        ctx.close();
    }

    private ConfigAgent agent(String node, String password, String... namespaces) {
        ConfigAgent a = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                .node(node, password).namespaces(namespaces).context(ctx)
                .cacheDir(dir.resolve("cache-" + node)).reportInterval(HEARTBEAT).start();
        agents.add(a);
        return a;
    }

    private static List<Change> put(String key, String value) {
        return List.of(Change.put(key, value));
    }

    private void awaitConverged(ConfigAgent a, String ns) {
        await().atMost(WAIT).until(() -> a.revision(ns) == store.latestRevision(ns)
                && a.snapshot(ns).digest().equals(store.snapshot(ns).digest()));
    }

    @Test
    void agentsReceiveEveryChangeAndReportIt() {
        ConfigAgent web1 = agent("web-1", "pw1", "app/web");
        ConfigAgent web2 = agent("web-2", "pw2", "app/web");
        List<Long> seen = new CopyOnWriteArrayList<>();
        web1.addListener((ns, rev, changes, now) -> seen.add(rev));
        Rollout r = null;
        for (int i = 1; i <= 20; i++) {
            r = server.publish("app/web", put("k" + (i % 5), "v" + i), "test", "change " + i);
        }
        awaitConverged(web1, "app/web");
        awaitConverged(web2, "app/web");
        assertThat(web1.getString("app/web", "k0")).contains("v20");
        assertThat(r.await(-1, WAIT)).isTrue();
        assertThat(r.states()).containsOnlyKeys("web-1", "web-2").allSatisfy((n, s) -> assertThat(s).isEqualTo(Rollout.State.APPLIED));
        // Each revision was applied once, in order (possibly some folded into the first sync's snapshot).
        assertThat(seen).isSorted().doesNotHaveDuplicates().endsWith(20L);
    }

    @Test
    void aSlowJoinerConvergesAfter100Revisions() {
        for (int i = 1; i <= 100; i++) {
            server.publish("app/web", put("key" + i, "value" + i), "test", "r" + i);
        }
        server.publish("app/web", List.of(Change.delete("key1")), "test", "delete");
        ConfigAgent late = agent("web-2", "pw2", "app/web");
        awaitConverged(late, "app/web");
        assertThat(late.snapshot("app/web").size()).isEqualTo(99);
        assertThat(late.get("app/web", "key1")).isEmpty();
    }

    @Test
    void aServerRestartedMidRolloutLosesAndRenumbersNothing() throws Exception {
        ConfigAgent web1 = agent("web-1", "pw1", "app/web");
        ConfigAgent web2 = agent("web-2", "pw2", "app/web");
        for (int i = 1; i <= 25; i++) {
            server.publish("app/web", put("k" + (i % 3), "before " + i), "test", "");
        }
        // Stopped while the agents may still be catching up; restarted from its data directory.
        String updates = server.updatesEndpoint();
        String sync = server.syncEndpoint();
        server.close();
        store.close();
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = startServer(updates, sync);
        assertThat(store.latestRevision("app/web")).isEqualTo(25);
        for (int i = 26; i <= 50; i++) {
            server.publish("app/web", put("k" + (i % 3), "after " + i), "test", "");
        }
        awaitConverged(web1, "app/web");
        awaitConverged(web2, "app/web");
        assertThat(web1.revision("app/web")).isEqualTo(50);
        assertThat(store.history("app/web", 0, 100)).extracting(r -> r.number())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(web2.getString("app/web", "k2")).contains("after 50");
    }

    @Test
    void anAgentRestartedWhileTheServerIsDownServesItsCache() {
        ConfigAgent web1 = agent("web-1", "pw1", "app/web");
        server.publish("app/web", put("a", "1"), "test", "");
        awaitConverged(web1, "app/web");
        String digest = web1.snapshot("app/web").digest();
        web1.close();
        agents.remove(web1);
        server.close();
        server = null;
        ConfigAgent again = ConfigAgent.builder().server("tcp://127.0.0.1:1", "tcp://127.0.0.1:1")
                .node("web-1", "pw1").namespaces("app/web").context(ctx).cacheDir(dir.resolve("cache-web-1")).start();
        agents.add(again);
        assertThat(again.revision("app/web")).isEqualTo(1);
        assertThat(again.snapshot("app/web").digest()).isEqualTo(digest);
        assertThat(again.isConfirmed("app/web")).isFalse();
    }

    @Test
    void unknownNodesAndWrongPasswordsAreRefusedAndReported() {
        ConfigAgent stranger = agent("intruder", "x", "app/web");
        ConfigAgent liar = agent("web-2", "wrong", "app/web");
        server.publish("app/web", put("a", "1"), "test", "");
        await().atMost(WAIT).until(() -> server.tracker().refusals().stream().map(io.zmtp.config.server.RefusalLog.Entry::user).toList()
                .containsAll(List.of("intruder", "web-2")));
        assertThat(server.tracker().refusals()).anySatisfy(r -> {
            assertThat(r.user()).isEqualTo("web-2");
            assertThat(r.reason()).isEqualTo("wrong password");
        });
        assertThat(stranger.revision("app/web")).isZero();
        assertThat(liar.revision("app/web")).isZero();
    }

    @Test
    void aNodeGetsOnlyItsNamespaces() {
        server.publish("app/db/main", put("url", "jdbc:x"), "test", "");
        server.publish("app/web", put("port", "80"), "test", "");
        ConfigAgent db = agent("db-1", "pw3", "app/db/main", "app/web");
        awaitConverged(db, "app/db/main");
        await().atMost(WAIT).until(() -> db.failure("app/web") != null);
        assertThat(db.revision("app/web")).isZero();
        assertThat(db.failure("app/web")).contains("may not read");
    }

    @Test
    void aNodeCannotClaimAnotherNodesId() {
        io.zmtp.socket.Socket dealer = ctx.socket(io.zmtp.codec.SocketType.DEALER);
        dealer.options().linger(0).receiveTimeout(WAIT.toMillis()).plainCredentials("web-1", "pw1");
        dealer.connect(server.syncEndpoint());
        com.fasterxml.jackson.databind.node.ObjectNode h = io.zmtp.config.protocol.Wire.object();
        h.put("node", "web-2");
        h.put("ns", "app/web");
        h.put("from", 0);
        h.put("req", 7);
        dealer.send(io.zmtp.config.protocol.Wire.command("SYNC", h));
        try (io.zmtp.socket.Message m = dealer.receive()) {
            assertThat(m.string(0)).isEqualTo("ERROR");
            assertThat(m.string(1)).contains("\"code\":\"identity\"").contains("\"req\":7");
        }
        dealer.close();
    }
}
