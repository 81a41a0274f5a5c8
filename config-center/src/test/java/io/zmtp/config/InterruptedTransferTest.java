package io.zmtp.config;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
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

/**
 * Connections cut in the middle of a large snapshot and of a burst of updates (through a relay
 * that closes them after a number of bytes): the agent converges, and every revision it applied
 * is exactly what the server holds for that revision, never a partial change set.
 */
class InterruptedTransferTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;
    private Relay updates;
    private Relay sync;
    private ConfigAgent agent;
    private final List<String> wrong = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        ctx = new ZmtpContext(2);
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = new ConfigServer(store, new Whitelist().node("n1", "pw", "app/*"), "tcp://127.0.0.1:*",
                "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx);
        updates = new Relay(server.updatesEndpoint());
        sync = new Relay(server.syncEndpoint());
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

    private void startAgent() {
        agent = ConfigAgent.builder().server(updates.endpoint(), sync.endpoint()).node("n1", "pw")
                .namespaces("app/big").context(ctx).syncTimeout(Duration.ofSeconds(1)).start();
        // Every applied revision must equal the server's content at that revision.
        agent.addListener((ns, rev, changes, now) -> {
            String expected = store.snapshotAt(ns, rev).map(s -> s.digest()).orElse("pruned");
            if (!expected.equals(now.digest())) {
                wrong.add("r" + rev + " " + now.digest() + " != " + expected);
            }
        });
    }

    private void awaitConverged() {
        await().atMost(WAIT).until(() -> agent.revision("app/big") == store.latestRevision("app/big")
                && agent.snapshot("app/big").digest().equals(store.snapshot("app/big").digest()));
    }

    @Test
    void aSnapshotCutHalfWayIsNeverApplied() {
        List<Change> big = new ArrayList<>();
        byte[] value = new byte[100 * 1024];
        for (int i = 0; i < 200; i++) {
            value[0] = (byte) i;
            big.add(Change.put("blob" + i, value.clone()));
        }
        server.publish("app/big", big, "test", "20 MB");
        for (int i = 0; i < 250; i++) {
            server.publish("app/big", List.of(Change.put("small", "v" + i)), "test", "");
        }
        // 251 revisions behind: the agent gets a snapshot (about 20 MB), cut after 5 MB.
        sync.cutAfter(5 << 20);
        startAgent();
        awaitConverged();
        assertThat(sync.cuts.get()).isEqualTo(1);
        assertThat(wrong).isEmpty();
        assertThat(agent.snapshot("app/big").size()).isEqualTo(201);
    }

    @Test
    void aBurstCutHalfWayConverges() {
        server.publish("app/big", List.of(Change.put("start", "0")), "test", "");
        startAgent();
        awaitConverged();
        updates.cutAfter(20_000);
        for (int i = 1; i <= 300; i++) {
            server.publish("app/big", List.of(Change.put("k" + (i % 7), "burst value " + i)), "test", "");
        }
        awaitConverged();
        assertThat(updates.cuts.get()).isEqualTo(1);
        assertThat(wrong).isEmpty();
    }
}
