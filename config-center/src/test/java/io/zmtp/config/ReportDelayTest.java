package io.zmtp.config;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent reports a pushed revision a moment after applying it (between half of its reportDelay
 * and all of it), so a fleet's reports reach the server after the fan-out, not in it; the report
 * that ends a sync goes at once. The server's status shows a report when it arrives.
 */
class ReportDelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "app/web";
    private static final Duration DELAY = Duration.ofMillis(400);

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/web").admin("ops", "adm"),
                "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofSeconds(1), ctx);
    }

    @AfterEach
    void tearDown() {
        server.close();
        store.close();
        ctx.close();
    }

    @Test
    void aPushedRevisionIsReportedNoSoonerThanHalfTheDelayAfterItWasApplied() {
        server.publish(NS, List.of(Change.put("k", "1")), "ops", "first");
        AtomicLong appliedAt = new AtomicLong();
        try (ConfigAgent agent = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                .node("web-1", "pw").namespaces(NS).context(ctx).reportInterval(Duration.ofSeconds(30))
                .reportDelay(DELAY).start()) {
            agent.addListener((ns, rev, changes, now) -> {
                if (rev == 2) {
                    appliedAt.set(System.nanoTime());
                }
            });
            // The report that ends a sync goes at once.
            await().atMost(WAIT).until(() -> reportedRevision() == 1);

            server.publish(NS, List.of(Change.put("k", "2")), "ops", "second");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> reportedRevision() == 2);
            long seenAt = System.nanoTime();
            assertThat(appliedAt.get()).as("applied from the UPDATE").isNotZero();
            assertThat(Duration.ofNanos(seenAt - appliedAt.get())).as("applied -> reported")
                    .isGreaterThanOrEqualTo(DELAY.dividedBy(2));
        }
    }

    /** The revision the server's status shows for web-1 (0 before any report). */
    private long reportedRevision() {
        for (JsonNode r : server.status().path("nodes")) {
            if (r.path("node").asText().equals("web-1") && r.path("ns").asText().equals(NS)) {
                return r.path("rev").asLong();
            }
        }
        return 0;
    }
}
