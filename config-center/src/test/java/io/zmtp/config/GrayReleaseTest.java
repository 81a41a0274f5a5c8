package io.zmtp.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Rollout;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.GrayStateException;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Gray release end to end: a real server on an H2 file store, real agents over TCP loopback. A
 * gray revision reaches exactly the selected agents, by SYNC only: a spy subscribed to the
 * namespace's topic proves no UPDATE of it is published, and every non-selected agent's listener
 * proves none of them ever applied it; promote brings everyone to it, abort brings everyone to one
 * revision with the main line's content.
 */
class GrayReleaseTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final String NS = "app/web";

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;
    private final List<ConfigAgent> agents = new ArrayList<>();
    /** Per agent, every revision it applied, with the value of "color" after it. */
    private final Map<String, List<String>> applied = new java.util.concurrent.ConcurrentHashMap<>();
    private final Whitelist whitelist = new Whitelist()
            .node("canary-1", "pw", Map.of("zone", "a", "canary", "true"), "app/*")
            .node("canary-2", "pw", Map.of("zone", "a"), "app/web")
            .node("web-1", "pw", Map.of("zone", "b"), "app/web")
            .node("web-2", "pw", "app/web")
            .node("db-1", "pw", Map.of("zone", "a"), "app/db")
            .admin("ops", "adm");

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", HEARTBEAT, ctx);
    }

    @AfterEach
    void tearDown() {
        agents.forEach(ConfigAgent::close);
        if (server != null) {
            server.close();
        }
        store.close();
        ctx.close();
    }

    private ConfigAgent agent(String node) {
        ConfigAgent a = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                .node(node, "pw").namespaces(NS).context(ctx).cacheDir(dir.resolve("cache-" + node))
                .reportInterval(HEARTBEAT).start();
        List<String> log = new CopyOnWriteArrayList<>();
        applied.put(node, log);
        a.addListener((ns, rev, changes, now) -> log.add(rev + " " + now.get("color").map(String::new).orElse("-")));
        agents.add(a);
        return a;
    }

    private static List<Change> color(String value) {
        return List.of(Change.put("color", value));
    }

    /** The agent holds revision {@code rev} with exactly {@code digest}, and the server shows it so. */
    private void awaitAt(ConfigAgent a, long rev, String digest) {
        await().atMost(WAIT).until(() -> a.revision(NS) == rev && a.snapshot(NS).digest().equals(digest));
        await().atMost(WAIT).until(() -> row(a.nodeId()).path("rev").asLong() == rev
                && row(a.nodeId()).path("digestOk").asBoolean() && row(a.nodeId()).path("upToDate").asBoolean());
    }

    private JsonNode row(String node) {
        for (JsonNode r : server.status().path("nodes")) {
            if (r.path("node").asText().equals(node) && r.path("ns").asText().equals(NS)) {
                return r;
            }
        }
        throw new AssertionError("no status row for " + node);
    }

    /** Nobody but {@code selected} ever applied content with color {@code grayColor}. */
    private void assertNeverApplied(String grayColor, String... selected) {
        List<String> gray = List.of(selected);
        applied.forEach((node, log) -> {
            if (!gray.contains(node)) {
                assertThat(log).as(node + " applied").noneMatch(l -> l.endsWith(" " + grayColor));
            }
        });
    }

    /** What a SUB on the namespace's topic heard, as any node could: UPDATE and HEARTBEAT revisions. */
    private record Spy(List<Long> updates, List<Long> heartbeats) {
    }

    private Spy spyOnUpdates() {
        Sub spy = (Sub) ctx.socket(SocketType.SUB);
        spy.options().linger(0).plainCredentials("web-2", "pw");
        spy.subscribe(Wire.topic(NS));
        spy.connect(server.updatesEndpoint());
        List<Long> updates = new CopyOnWriteArrayList<>();
        List<Long> heartbeats = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    try (Message m = spy.receive(Duration.ofMillis(100))) {
                        if (m != null) {
                            long rev = Wire.header(m.bytes(2)).path("rev").asLong();
                            (m.string(1).equals(Wire.UPDATE) ? updates : heartbeats).add(rev);
                        }
                    }
                }
            } catch (IllegalStateException closed) {
                // the context closed
            }
        }, "update-spy");
        t.setDaemon(true);
        t.start();
        await().atMost(WAIT).until(() -> !heartbeats.isEmpty());
        return new Spy(updates, heartbeats);
    }

    @Test
    void aGrayByLabelReachesOnlyTheLabelledNodesAndPromoteBringsEveryoneToIt() {
        Revision main = server.publish(NS, color("blue"), "ops", "main").revision();
        ConfigAgent canary1 = agent("canary-1");
        ConfigAgent canary2 = agent("canary-2");
        ConfigAgent web1 = agent("web-1");
        ConfigAgent web2 = agent("web-2");
        for (ConfigAgent a : agents) {
            awaitAt(a, main.number(), main.digest());
        }
        Spy spy = spyOnUpdates();

        Rollout gray = server.publishGray(NS, color("green"), "ops", "", "try green", "zone=a");
        Revision g = gray.revision();
        assertThat(g.number()).isEqualTo(main.number() + 1);
        // db-1 carries zone=a but may not read app/web: not selected.
        assertThat(gray.states()).containsOnlyKeys("canary-1", "canary-2");
        awaitAt(canary1, g.number(), g.digest());
        awaitAt(canary2, g.number(), g.digest());
        assertThat(canary1.getString(NS, "color")).contains("green");
        assertThat(gray.await(-1, WAIT)).isTrue();
        assertThat(row("canary-1").path("gray").asBoolean()).isTrue();
        assertThat(row("web-1").path("gray").asBoolean()).isFalse();
        // The others stay on the main line, current and verified, while heartbeats keep coming.
        int beats = spy.heartbeats().size();
        await().atMost(WAIT).until(() -> spy.heartbeats().size() > beats + 5);
        for (ConfigAgent a : List.of(web1, web2)) {
            awaitAt(a, main.number(), main.digest());
        }
        assertThat(store.latestRevision(NS)).isEqualTo(main.number());
        assertThat(spy.updates()).doesNotContain(g.number());
        assertNeverApplied("green", "canary-1", "canary-2");
        assertThat(server.rollout(NS, g.number()).states()).containsOnlyKeys("canary-1", "canary-2");

        Revision promoted = server.promote(NS, "ops", "", "green is fine").revision();
        assertThat(promoted.number()).isEqualTo(g.number());
        assertThat(promoted.digest()).isEqualTo(g.digest());
        for (ConfigAgent a : agents) {
            awaitAt(a, g.number(), g.digest());
        }
        assertThat(web2.getString(NS, "color")).contains("green");
        assertThat(store.grayRelease(NS)).isEmpty();
        assertThat(store.grayReleases(NS, 0, 10)).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(GrayRelease.State.PROMOTED));
        // Each applied every revision once, in order; the canaries had the gray revision already.
        assertThat(applied.get("canary-1")).filteredOn(l -> l.startsWith(g.number() + " ")).hasSize(1);
        assertThat(applied.get("web-1")).filteredOn(l -> l.startsWith(g.number() + " ")).hasSize(1);
    }

    @Test
    void aGrayByCountAndByShareThenAbortBringsEveryoneBackToTheMainContent() {
        Revision main = server.publish(NS, color("blue"), "ops", "main").revision();
        for (String n : List.of("canary-1", "canary-2", "web-1")) {
            agent(n);
        }
        for (ConfigAgent a : agents) {
            awaitAt(a, main.number(), main.digest());
        }
        // 2 of the 4 readers: the online ones first, by id (web-2 is offline).
        Rollout byCount = server.publishGray(NS, color("red"), "ops", "", "two nodes", "2");
        assertThat(byCount.states()).containsOnlyKeys("canary-1", "canary-2");
        Revision g = byCount.revision();
        awaitAt(agents.get(0), g.number(), g.digest());
        awaitAt(agents.get(1), g.number(), g.digest());
        awaitAt(agents.get(2), main.number(), main.digest());

        Revision back = server.abort(NS, "ops", "", "not red").revision();
        assertThat(back.number()).isEqualTo(g.number() + 1);
        assertThat(back.digest()).isEqualTo(main.digest());
        for (ConfigAgent a : agents) {
            awaitAt(a, back.number(), back.digest());
            assertThat(a.getString(NS, "color")).contains("blue");
        }
        assertNeverApplied("red", "canary-1", "canary-2");
        assertThat(store.grayReleases(NS, 0, 10)).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(GrayRelease.State.ABORTED));

        // 25% of 4 readers is one node: the first online one by id.
        Rollout byShare = server.publishGray(NS, color("yellow"), "ops", "", "a quarter", "25%");
        assertThat(byShare.states()).containsOnlyKeys("canary-1");
        Revision g2 = byShare.revision();
        assertThat(g2.number()).isEqualTo(back.number() + 1);
        awaitAt(agents.get(0), g2.number(), g2.digest());
        awaitAt(agents.get(1), back.number(), back.digest());
        awaitAt(agents.get(2), back.number(), back.digest());
        Revision promoted = server.promote(NS, "ops", "", "yellow").revision();
        for (ConfigAgent a : agents) {
            awaitAt(a, promoted.number(), promoted.digest());
        }
        assertNeverApplied("red", "canary-1", "canary-2");
    }

    @Test
    void lateAgentsGetTheirOwnViewAndAServerRestartKeepsTheGrayRelease() {
        Revision main = server.publish(NS, color("blue"), "ops", "main").revision();
        for (int i = 0; i < 3; i++) {
            main = server.publish(NS, List.of(Change.put("k" + i, "v")), "ops", "more").revision();
        }
        Revision g = server.publishGray(NS, color("green"), "ops", "", "try", "canary=true").revision();
        ConfigAgent canary = agent("canary-1");
        ConfigAgent plain = agent("web-1");
        awaitAt(canary, g.number(), g.digest());
        awaitAt(plain, main.number(), main.digest());

        // Restarted from its data directory: the gray release is in the store, not in the server.
        server.close();
        store.close();
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        assertThat(store.grayRelease(NS)).hasValueSatisfying(r -> assertThat(r.number()).isEqualTo(g.number()));
        server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", HEARTBEAT, ctx);
        agents.forEach(ConfigAgent::close);
        agents.clear();
        ConfigAgent canaryAgain = agent("canary-1");
        ConfigAgent plainAgain = agent("web-1");
        ConfigAgent fresh = agent("web-2");
        awaitAt(canaryAgain, g.number(), g.digest());
        awaitAt(plainAgain, main.number(), main.digest());
        awaitAt(fresh, main.number(), main.digest());
        assertNeverApplied("green", "canary-1");

        Revision promoted = server.promote(NS, "ops", "", "go").revision();
        for (ConfigAgent a : agents) {
            awaitAt(a, promoted.number(), promoted.digest());
        }
    }

    @Test
    void refusalsHaveTheirOwnCodes() {
        Revision main = server.publish(NS, color("blue"), "ops", "main").revision();
        assertThatThrownBy(() -> server.publishGray(NS, color("x"), "ops", "", "", "zone=nowhere"))
                .isInstanceOfSatisfying(GrayStateException.class, e -> assertThat(e.code()).isEqualTo("no-match"));
        assertThatThrownBy(() -> server.publishGray(NS, color("x"), "ops", "", "", "zone"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("selector");
        assertThatThrownBy(() -> server.publishGray(NS, color("x"), "ops", "", "", "0%"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.promote(NS, "ops", "", ""))
                .isInstanceOfSatisfying(GrayStateException.class, e -> assertThat(e.code()).isEqualTo("no-gray"));
        assertThatThrownBy(() -> server.abort(NS, "ops", "", ""))
                .isInstanceOfSatisfying(GrayStateException.class, e -> assertThat(e.code()).isEqualTo("no-gray"));
        server.publishGray(NS, color("green"), "ops", "", "", "1");
        for (Runnable r : List.<Runnable>of(
                () -> server.publishGray(NS, color("red"), "ops", "", "", "1"),
                () -> server.publish(NS, color("red"), "ops", "", ""),
                () -> server.rollback(NS, main.number(), "ops", "", ""))) {
            assertThatThrownBy(r::run)
                    .isInstanceOfSatisfying(GrayStateException.class, e -> assertThat(e.code()).isEqualTo("gray-open"));
        }
        assertThat(store.latestRevision(NS)).isEqualTo(main.number());
        Snapshot s = store.snapshot(NS);
        assertThat(s.get("color").map(String::new)).contains("blue");
    }
}
