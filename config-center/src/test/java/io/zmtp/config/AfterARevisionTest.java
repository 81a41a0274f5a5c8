package io.zmtp.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.config.server.Whitelist;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Sub;
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
 * What follows a revision, paced so that a fleet's traffic does not crowd its fan-out. While a
 * namespace changes at least once a heartbeat interval, its UPDATEs stand in for its HEARTBEATs: a
 * heartbeat that would repeat the revision of an UPDATE sent since the previous one is not sent, and
 * once the namespace stops changing a heartbeat announcing its last revision follows. An agent
 * reports a pushed revision a moment after applying it (between half of its reportDelay and all of
 * it); the report that ends a sync goes at once. The server's status shows a report when it arrives.
 */
class AfterARevisionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofMillis(150);
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
    }

    private void startServer(Duration heartbeat) {
        server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/web").admin("ops", "adm"),
                "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", heartbeat, ctx);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        store.close();
        ctx.close();
    }

    @Test
    void noHeartbeatRepeatsAnUpdateSentSinceThePreviousOneAndOneFollowsTheLastUpdate() {
        startServer(HEARTBEAT);
        server.publish(NS, List.of(Change.put("k", "0")), "ops", "first");
        // What a subscriber hears, in order: "U<rev>" for an UPDATE, "H<rev>" for a HEARTBEAT.
        List<String> heard = new CopyOnWriteArrayList<>();
        try (Sub sub = (Sub) ctx.socket(SocketType.SUB)) {
            sub.options().linger(0).plainCredentials("web-1", "pw");
            sub.subscribe(Wire.topic(NS));
            sub.onMessage(m -> {
                try (Message msg = m) {
                    heard.add((msg.string(1).equals(Wire.UPDATE) ? "U" : "H") + Wire.header(msg.bytes(2)).path("rev").asLong());
                }
            });
            sub.connect(server.updatesEndpoint());
            await().atMost(WAIT).until(() -> heard.stream().anyMatch(e -> e.startsWith("H")));

            // Publish, each revision once the subscriber has it, for at least four intervals.
            int from = heard.size();
            long started = System.nanoTime();
            long last = 0;
            for (int i = 1; i <= 5_000 && System.nanoTime() - started < 4 * HEARTBEAT.toNanos(); i++) {
                long rev = server.publish(NS, List.of(Change.put("k", Integer.toString(i))), "ops", "change").revision().number();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> heard.contains("U" + rev));
                last = rev;
            }
            assertThat(System.nanoTime() - started).as("the changes spanned several heartbeat intervals")
                    .isGreaterThanOrEqualTo(4 * HEARTBEAT.toNanos());

            List<String> during = List.copyOf(heard.subList(from, heard.size()));
            List<String> sinceBeat = new java.util.ArrayList<>();
            for (String e : during) {
                if (e.startsWith("H")) {
                    assertThat(sinceBeat).as("a heartbeat that repeats an update heard since the previous one, in " + during)
                            .doesNotContain("U" + e.substring(1));
                    sinceBeat.clear();
                } else {
                    sinceBeat.add(e);
                }
            }
            long lastRev = last;
            await().atMost(WAIT).until(() -> heard.indexOf("H" + lastRev) > heard.indexOf("U" + lastRev));
        }
    }

    @Test
    void aPushedRevisionIsReportedNoSoonerThanHalfTheDelayAfterItWasPublished() {
        // Heartbeats 1 s apart: an agent that missed the UPDATE (subscribed too late) learns of it
        // from a heartbeat at least an interval later, so its report is late too and the bound holds.
        startServer(Duration.ofSeconds(1));
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

            // Measured from before the publish (the apply cannot come sooner): a bound that load can
            // only make longer, where timing from the listener could lose the moments between the
            // apply and the listener's call.
            long publishedAt = System.nanoTime();
            server.publish(NS, List.of(Change.put("k", "2")), "ops", "second");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> reportedRevision() == 2);
            long seenAt = System.nanoTime();
            assertThat(appliedAt.get()).as("applied from the UPDATE").isNotZero();
            assertThat(Duration.ofNanos(seenAt - publishedAt)).as("published -> reported")
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
