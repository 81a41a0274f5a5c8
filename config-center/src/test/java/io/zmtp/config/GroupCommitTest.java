package io.zmtp.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Admin puts that arrive together are committed together (one disk flush for the group) and still
 * behave as if committed one by one: every put is answered once, with its own revision, in order;
 * a put that is over the limits is refused alone; a read sent behind puts sees them; agents apply
 * every revision.
 */
class GroupCommitTest {
    private static final int PUTS = 300;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** The real file store, counting the size of each group it is asked to commit. */
    private static final class CountingStore {
        final AtomicInteger largestGroup = new AtomicInteger();
        final AtomicInteger groups = new AtomicInteger();
    }

    @Test
    void pipelinedPutsAreCommittedInGroupsAndAnsweredEachWithItsRevision() throws Exception {
        CountingStore counts = new CountingStore();
        StoreLimits limits = new StoreLimits(2048, 1 << 20);
        Whitelist whitelist = new Whitelist().node("web-1", "pw1", "app/*").admin("ops", "adm");
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore file = H2ConfigStore.open(dir.resolve("data"), limits);
             ConfigServer server = new ConfigServer(new GroupCounting(file, counts), whitelist, "tcp://127.0.0.1:*",
                     "tcp://127.0.0.1:*", Duration.ofMillis(500), ctx)) {
            server.publish("app/g", List.of(io.zmtp.config.model.Change.put("k", "start")), "ops", "start");
            ConfigAgent agent = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                    .node("web-1", "pw1").namespaces("app/g").context(ctx).start();
            await().atMost(WAIT).until(() -> agent.isConfirmed("app/g"));

            Socket admin = ctx.socket(SocketType.DEALER);
            admin.options().linger(0).sendHwm(10_000).receiveHwm(10_000).plainCredentials("ops", "adm");
            admin.connect(server.syncEndpoint());
            int tooLarge = PUTS / 2;
            for (int i = 1; i <= PUTS; i++) {
                String value = i == tooLarge ? "x".repeat(4096) : "v" + i;
                assertThat(admin.send(put(i, "k" + (i % 7), value), WAIT)).isTrue();
            }
            // A read behind the puts: answered after them, and sees them all.
            ObjectNode get = Wire.object().put("op", "get").put("req", PUTS + 1).put("ns", "app/g").put("key", "k0");
            assertThat(admin.send(Wire.command(Wire.ADMIN, get), WAIT)).isTrue();

            Map<Long, Long> revisionOf = new HashMap<>();
            List<Long> order = new ArrayList<>();
            String refusal = null;
            ObjectNode read = null;
            while (read == null) {
                try (Message m = admin.receive(WAIT)) {
                    assertThat(m).as("an answer within " + WAIT).isNotNull();
                    ObjectNode h = Wire.header(m.bytes(1));
                    long req = h.get("req").asLong();
                    if (req == PUTS + 1) {
                        read = h;
                    } else if (m.string(0).equals(Wire.ERROR)) {
                        assertThat(req).isEqualTo(tooLarge);
                        refusal = h.get("code").asText();
                    } else {
                        assertThat(revisionOf.put(req, h.get("rev").asLong())).as("one answer for put " + req).isNull();
                        order.add(req);
                    }
                }
            }
            assertThat(refusal).isEqualTo("too-large");
            assertThat(revisionOf).hasSize(PUTS - 1);
            assertThat(order).isSorted();
            // Revisions 2.. in request order, the refused put leaving no gap.
            List<Long> revisions = order.stream().map(revisionOf::get).toList();
            assertThat(revisions.get(0)).isEqualTo(2);
            assertThat(revisions).isSorted().doesNotHaveDuplicates();
            assertThat(revisions.get(revisions.size() - 1)).isEqualTo(PUTS);
            assertThat(read.get("rev").asLong()).isEqualTo(PUTS);
            assertThat(counts.largestGroup.get()).as("some puts were committed together").isGreaterThan(1);
            assertThat(counts.groups.get()).isLessThan(PUTS);

            String digest = file.snapshot("app/g").digest();
            await().atMost(WAIT).until(() -> agent.revision("app/g") == PUTS
                    && agent.snapshot("app/g").digest().equals(digest));
            assertThat(agent.getString("app/g", "k" + (PUTS % 7))).contains("v" + PUTS);
            admin.close();
            agent.close();
        }
        // Reopened, the file store holds every acknowledged revision.
        try (H2ConfigStore again = H2ConfigStore.open(dir.resolve("data"), limits)) {
            assertThat(again.latestRevision("app/g")).isEqualTo(PUTS);
        }
    }

    private static Message put(long req, String key, String value) {
        ObjectNode h = Wire.object().put("op", "put").put("req", req).put("ns", "app/g").put("message", "#" + req);
        h.putArray("changes").addObject().put("key", key).put("op", "put");
        return Wire.command(Wire.ADMIN, h).add(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Passes every call to the file store, recording the groups {@link #commitAll} is given. */
    private static final class GroupCounting implements ConfigStore {
        private final ConfigStore store;
        private final CountingStore counts;

        GroupCounting(ConfigStore store, CountingStore counts) {
            this.store = store;
            this.counts = counts;
        }

        @Override
        public List<Outcome> commitAll(List<Commit> commits) {
            counts.groups.incrementAndGet();
            counts.largestGroup.accumulateAndGet(commits.size(), Math::max);
            return store.commitAll(commits);
        }

        @Override
        public io.zmtp.config.model.Revision commit(String namespace, List<io.zmtp.config.model.Change> changes,
                                                    String author, String source, String message) {
            return store.commit(namespace, changes, author, source, message);
        }

        @Override
        public io.zmtp.config.model.Snapshot snapshot(String namespace) {
            return store.snapshot(namespace);
        }

        @Override
        public java.util.Optional<io.zmtp.config.model.Snapshot> snapshotAt(String namespace, long revision) {
            return store.snapshotAt(namespace, revision);
        }

        @Override
        public long latestRevision(String namespace) {
            return store.latestRevision(namespace);
        }

        @Override
        public List<io.zmtp.config.model.Revision> history(String namespace, long afterRevision, int limit) {
            return store.history(namespace, afterRevision, limit);
        }

        @Override
        public long oldestRevision(String namespace) {
            return store.oldestRevision(namespace);
        }

        @Override
        public long lastAbortedGray(String namespace, long upTo) {
            return store.lastAbortedGray(namespace, upTo);
        }

        @Override
        public void prune(String namespace, long keepFrom) {
            store.prune(namespace, keepFrom);
        }

        @Override
        public io.zmtp.config.model.Revision rollback(String namespace, long toRevision, String author, String source,
                                                      String message) {
            return store.rollback(namespace, toRevision, author, source, message);
        }

        @Override
        public List<String> namespaces() {
            return store.namespaces();
        }

        @Override
        public StoreLimits limits() {
            return store.limits();
        }

        @Override
        public void recordReport(io.zmtp.config.model.NodeReport report) {
            store.recordReport(report);
        }

        @Override
        public void recordReports(java.util.Collection<io.zmtp.config.model.NodeReport> reports) {
            store.recordReports(reports);
        }

        @Override
        public List<io.zmtp.config.model.NodeReport> reports() {
            return store.reports();
        }

        @Override
        public int pruneReports() {
            return store.pruneReports();
        }

        @Override
        public io.zmtp.config.model.Revision openGray(String namespace, List<io.zmtp.config.model.Change> changes,
                                                      String author, String source, String message, String selector,
                                                      List<String> nodes) {
            return store.openGray(namespace, changes, author, source, message, selector, nodes);
        }

        @Override
        public java.util.Optional<io.zmtp.config.model.GrayRelease> grayRelease(String namespace) {
            return store.grayRelease(namespace);
        }

        @Override
        public List<io.zmtp.config.model.GrayRelease> grayReleases(String namespace, long afterRevision, int limit) {
            return store.grayReleases(namespace, afterRevision, limit);
        }

        @Override
        public io.zmtp.config.model.Revision promoteGray(String namespace, String author, String source, String message) {
            return store.promoteGray(namespace, author, source, message);
        }

        @Override
        public io.zmtp.config.model.Revision abortGray(String namespace, String author, String source, String message) {
            return store.abortGray(namespace, author, source, message);
        }

        @Override
        public void close() {
            // the test closes the file store itself
        }
    }
}
