package io.zmtp.config;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.testing.FaultRelay;
import io.zmtp.testing.FaultRelay.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent behind relays (one for updates, one for sync) that freeze, reset and cut mid-frame
 * while the server publishes a burst of 100 revisions: the agent ends at the server's revision and
 * digest, and every revision it applied came after the one before (never twice, never out of
 * order) and equals the server's content at that revision.
 */
class FaultyNetworkBurstTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NS = "app/burst";

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;
    private FaultRelay updates;
    private FaultRelay sync;
    private ConfigAgent agent;
    private final List<String> wrong = new CopyOnWriteArrayList<>();
    private final AtomicLong lastApplied = new AtomicLong(-1);

    @BeforeEach
    void setUp() throws Exception {
        ctx = new ZmtpContext(2);
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = new ConfigServer(store, new Whitelist().node("n1", "pw", "app/*"), "tcp://127.0.0.1:*",
                "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx);
        updates = FaultRelay.to(server.updatesEndpoint());
        sync = FaultRelay.to(server.syncEndpoint());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        updates.close();
        sync.close();
        server.close();
        store.close();
        ctx.close();
    }

    @Test
    void agentConvergesThroughFreezeResetAndCutsWithoutApplyingARevisionTwice() {
        server.publish(NS, List.of(Change.put("start", "0")), "test", "");
        agent = ConfigAgent.builder().server(updates.endpoint(), sync.endpoint()).node("n1", "pw")
                .namespaces(NS).context(ctx).syncTimeout(Duration.ofSeconds(1)).start();
        agent.addListener((ns, rev, changes, now) -> {
            long before = lastApplied.getAndSet(rev);
            if (rev <= before) {
                wrong.add("r" + rev + " applied after r" + before);
            }
            String expected = store.snapshotAt(ns, rev).map(s -> s.digest()).orElse("pruned");
            if (!expected.equals(now.digest())) {
                wrong.add("r" + rev + " " + now.digest() + " != " + expected);
            }
        });
        awaitConverged();

        for (int i = 1; i <= 100; i++) {
            switch (i) {
                case 10 -> {
                    updates.freeze();
                    sync.freeze();
                }
                case 30 -> {
                    updates.reset();
                    sync.reset();
                    updates.thaw();
                    sync.thaw();
                }
                case 50 -> updates.cutAfter(Direction.DOWNSTREAM, 1_500);
                case 70 -> sync.cutAfter(Direction.DOWNSTREAM, 700);
                case 85 -> updates.reset();
                default -> {
                }
            }
            server.publish(NS, List.of(Change.put("k" + (i % 7), "burst value " + i), Change.put("n", "" + i)),
                    "test", "burst " + i);
        }
        awaitConverged();
        // Each fault happened: the resets during the freeze (the one at 85 finds a connection only if it was
        // back from the cut by then), and both cuts (heartbeats, reports and syncs carry bytes).
        await().atMost(WAIT).until(() -> updates.cuts() == 1 && sync.cuts() == 1);
        awaitConverged();
        assertThat(updates.resets()).isGreaterThanOrEqualTo(1);
        assertThat(sync.resets()).isGreaterThanOrEqualTo(1);
        assertThat(wrong).isEmpty();
        assertThat(lastApplied.get()).isEqualTo(101);
        assertThat(agent.snapshot(NS).get("n").map(String::new)).contains("100");
    }

    private void awaitConverged() {
        await().atMost(WAIT).until(() -> agent.revision(NS) == store.latestRevision(NS)
                && agent.snapshot(NS).digest().equals(store.snapshot(NS).digest()));
    }
}
