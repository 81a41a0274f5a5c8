package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ConfigStoreContractTest} on {@link PgConfigStore}, each test in a fresh database (see
 * {@link PgTestDatabase} for where PostgreSQL is looked for), and what only a shared database
 * has: several stores, as several servers would hold, writing to one namespace at once; Flyway's
 * schema; connection errors.
 */
class PgConfigStoreTest extends ConfigStoreContractTest {
    private PgTestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = PgTestDatabase.create();
    }

    @Override
    protected PgConfigStore openStore(StoreLimits limits) {
        return PgConfigStore.open(db.url(), db.user(), db.password(), limits);
    }

    @Override
    protected void afterStoresClosed() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    // ------------------------------------------------------------------ several servers

    /**
     * Issue 19: two servers (two stores on one database) x 4 threads x 500 publishes to one
     * namespace. Every revision 1..4000 is used once, what each commit acknowledged is what the
     * history holds, and every recorded digest is that of replaying the history up to it.
     */
    @Test
    void twoServersPublishingToOneNamespaceNeitherReuseNorSkipANumber() throws Exception {
        int servers = 2;
        int threadsPerServer = 4;
        int perThread = 500;
        int total = servers * threadsPerServer * perThread;
        List<ConfigStore> stores = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            stores.add(open());
        }
        Map<Long, Revision> acknowledged = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(servers * threadsPerServer);
        long began;
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < servers; s++) {
                for (int t = 0; t < threadsPerServer; t++) {
                    ConfigStore store = stores.get(s);
                    String writer = "s" + s + "t" + t;
                    Random random = new Random(31L * s + t);
                    futures.add(pool.submit(() -> {
                        start.await();
                        long previous = 0;
                        for (int i = 0; i < perThread; i++) {
                            // a key of its own (so the change set is never a no-op) and two shared ones
                            List<Change> changes = new ArrayList<>();
                            changes.add(Change.put("writer/" + writer, Integer.toString(i)));
                            int a = random.nextInt(12);
                            int b = (a + 1 + random.nextInt(11)) % 12;
                            changes.add(Change.put("shared/" + a, writer + "/" + i));
                            changes.add(random.nextInt(4) == 0 ? Change.delete("shared/" + b)
                                    : Change.put("shared/" + b, new byte[] {(byte) random.nextInt(256)}));
                            Revision r = store.commit("busy", changes, writer, "publish " + i);
                            assertThat(r.number()).as("revisions one thread gets rise").isGreaterThan(previous);
                            previous = r.number();
                            assertThat(acknowledged.put(r.number(), r)).as("revision %d given twice", r.number()).isNull();
                        }
                        return null;
                    }));
                }
            }
            began = System.nanoTime();
            start.countDown();
            for (Future<?> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long commitMillis = (System.nanoTime() - began) / 1_000_000;

        assertThat(acknowledged.keySet().stream().sorted().toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        for (ConfigStore store : stores) {
            assertThat(store.latestRevision("busy")).isEqualTo(total);
        }
        List<Revision> history = stores.get(0).history("busy", 0, total + 10);
        assertThat(history).extracting(Revision::number)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());

        TreeMap<String, byte[]> replay = new TreeMap<>(Digest.KEY_ORDER);
        Map<Long, String> replayed = new HashMap<>();
        for (Revision r : history) {
            assertThat(r).as("revision %d as acknowledged", r.number()).isEqualTo(acknowledged.get(r.number()));
            ChangeSets.applyTo(replay, r.changes());
            String digest = Digest.of(replay);
            assertThat(r.digest()).as("digest of revision %d", r.number()).isEqualTo(digest);
            replayed.put(r.number(), digest);
        }
        for (ConfigStore store : stores) {
            Snapshot last = store.snapshot("busy");
            assertThat(last.revision()).isEqualTo(total);
            assertThat(last.digest()).isEqualTo(Digest.of(replay)).isEqualTo(Digest.of(last.entries()));
            assertSameContent(last, replay);
        }
        for (long rev : new long[] {1, 2, 777, total / 2, total - 1, total}) {
            Snapshot at = stores.get((int) (rev % servers)).snapshotAt("busy", rev).orElseThrow();
            assertThat(at.digest()).as("rebuilt revision %d", rev).isEqualTo(replayed.get(rev))
                    .isEqualTo(Digest.of(at.entries()));
        }
        System.out.printf("PgConfigStoreTest: %d concurrent publishes from %d stores x %d threads in %d ms%n",
                total, servers, threadsPerServer, commitMillis);
    }

    /** A store's cached content is never taken for the head once another store has committed. */
    @Test
    void aStoreDoesNotTrustItsCacheAfterAnotherCommitted() {
        ConfigStore one = open();
        ConfigStore two = open();
        put(one, "ns", "a", "1");
        assertThat(one.snapshot("ns").revision()).isEqualTo(1); // cached at 1
        put(two, "ns", "b", "2");
        Revision three = put(one, "ns", "c", "3"); // caught up over revision 2
        assertThat(three.number()).isEqualTo(3);
        assertThat(one.snapshot("ns").entries()).containsOnlyKeys("a", "b", "c");
        assertThat(three.digest()).isEqualTo(two.snapshot("ns").digest());

        for (int i = 0; i < PgConfigStore.CATCH_UP_LIMIT + 5; i++) {
            put(two, "ns", "n", Integer.toString(i)); // more than a catch-up: reloaded
        }
        Revision next = put(one, "ns", "d", "4");
        assertThat(next.number()).isEqualTo(4 + PgConfigStore.CATCH_UP_LIMIT + 5);
        assertThat(one.snapshot("ns")).isEqualTo(two.snapshot("ns"));

        put(two, "ns", "e", "5");
        two.prune("ns", two.latestRevision("ns") + 1); // the change set to catch up over is gone
        Revision after = put(one, "ns", "f", "6");
        assertThat(one.snapshot("ns").entries()).containsKeys("a", "b", "c", "d", "e", "f", "n");
        assertThat(after.digest()).isEqualTo(two.snapshot("ns").digest());
        put(two, "ns", "g", "7");
        Revision back = one.rollback("ns", after.number(), "t", "undo g"); // rebuilt over two's revision
        assertThat(back.number()).isEqualTo(after.number() + 2);
        assertThat(back.digest()).isEqualTo(after.digest());
        assertThat(two.snapshot("ns").get("g")).isEmpty();
    }

    // ------------------------------------------------------------------ schema

    @Test
    void flywayCreatesTheSchemaOnceAndReopeningKeepsIt() throws Exception {
        put(open(), "ns", "k", "v");
        ConfigStore again = open();
        assertThat(again.latestRevision("ns")).isEqualTo(1);
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + ":" + rs.getBoolean(2));
            }
            assertThat(rows).containsExactly("1:true", "2:true", "3:true");
        }
    }

    /** A database at schema 1 (before revisions.source) is migrated by V2; its old rows have source "". */
    @Test
    void aVersionOneDatabaseGetsTheSourceColumn() throws Exception {
        put(open(), "ns", "k", "v");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE revisions DROP COLUMN source");
            s.execute("DROP TABLE gray_releases");
            s.executeUpdate("DELETE FROM flyway_schema_history WHERE version IN ('2', '3')");
        }
        ConfigStore again = open();
        assertThat(again.history("ns", 0, 1).get(0).source()).isEmpty();
        assertThat(again.commit("ns", List.of(io.zmtp.config.model.Change.put("k", "w")), "ops", "192.0.2.1:1", "m")
                .source()).isEqualTo("192.0.2.1:1");
        assertThat(again.history("ns", 1, 1).get(0).source()).isEqualTo("192.0.2.1:1");
        // and V3 made gray_releases
        assertThat(again.openGray("ns", List.of(io.zmtp.config.model.Change.put("k", "g")), "ops", "", "", "1",
                List.of("w")).number()).isEqualTo(3);
    }

    /** Two stores on one database (two servers): one open gray release per namespace, whoever asks. */
    @Test
    void replicasShareTheGrayRelease() {
        ConfigStore a = open();
        ConfigStore b = open();
        put(a, "ns", "k", "1");
        io.zmtp.config.model.Revision g = a.openGray("ns", List.of(io.zmtp.config.model.Change.put("k", "2")), "ops", "",
                "", "1", List.of("w"));
        assertThat(b.grayRelease("ns")).hasValueSatisfying(r -> assertThat(r.revision()).isEqualTo(g));
        assertThatThrownBy(() -> put(b, "ns", "k", "3")).isInstanceOf(GrayStateException.class);
        assertThatThrownBy(() -> b.openGray("ns", List.of(io.zmtp.config.model.Change.put("k", "3")), "ops", "", "",
                "1", List.of("w"))).isInstanceOf(GrayStateException.class);
        assertThat(b.abortGray("ns", "ops", "", "no").number()).isEqualTo(3);
        assertThat(a.grayRelease("ns")).isEmpty();
        assertThat(a.snapshot("ns").get("k").map(String::new)).contains("1");
        assertThat(a.latestRevision("ns")).isEqualTo(3);
    }

    @Test
    void aSchemaMigratedByANewerBuildIsRefused() throws Exception {
        open().close();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) VALUES (4, '4', 'from a newer build', 'SQL',"
                    + " 'V4__from_a_newer_build.sql', 0, current_user, 1, true)");
        }
        assertThatThrownBy(this::open).isInstanceOf(ConfigStoreException.class)
                .hasMessageContaining("cannot migrate").hasMessageNotContaining("\n");
    }

    // ------------------------------------------------------------------ connections

    @Test
    void anUnreachableServerIsOneClearLine() {
        assertThatThrownBy(() -> PgConfigStore.open("jdbc:postgresql://127.0.0.1:1/nothing", "u", "p", StoreLimits.DEFAULTS))
                .isInstanceOf(ConfigStoreException.class)
                .hasMessageStartingWith("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/nothing: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aWrongPasswordOrDatabaseIsOneClearLine() {
        assertThatThrownBy(() -> PgConfigStore.open(db.url(), db.user(), "not-the-password", StoreLimits.DEFAULTS))
                .isInstanceOf(ConfigStoreException.class)
                .hasMessageContaining("password authentication failed").hasMessageNotContaining("\n")
                .hasMessageNotContaining("not-the-password");
        assertThatThrownBy(() -> PgConfigStore.open(PgTestDatabase.url(db.name() + "_absent") + "?password=secret",
                db.user(), db.password(), StoreLimits.DEFAULTS))
                .isInstanceOf(ConfigStoreException.class)
                .hasMessageContaining("does not exist").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> PgConfigStore.open("jdbc:mysql://127.0.0.1/x", "u", "p", StoreLimits.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ details

    @Test
    void commitsAreDurableEvenWhereSynchronousCommitIsOff() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + db.name() + " SET synchronous_commit = off");
        }
        PgConfigStore store = (PgConfigStore) open();
        put(store, "ns", "k", "v");
        assertThat(store.synchronousCommit()).isEqualTo("on");
    }

    @Test
    void reportTimesAreKeptToTheMicrosecond() {
        ConfigStore store = open();
        Instant t = Instant.parse("2024-05-01T10:15:30.123456789Z");
        store.recordReport(new NodeReport("n", "ns", 0, Digest.EMPTY, t, t.plusNanos(1500)));
        NodeReport back = store.reports().get(0);
        assertThat(back.appliedAt()).isEqualTo(Instant.parse("2024-05-01T10:15:30.123456Z"));
        assertThat(back.seenAt()).isEqualTo(Instant.parse("2024-05-01T10:15:30.123458Z"));
    }

    @Test
    void textTheDatabaseCannotHoldIsRefusedAsBadInput() {
        ConfigStore store = open();
        assertThatThrownBy(() -> store.commit("ns", List.of(Change.put("k", "v")), "t", "a\u0000b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0000");
        assertThatThrownBy(() -> store.commit("ns", List.of(Change.put("k", "v")), "x\ud800", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThat(store.commit("ns", List.of(Change.put("k", "v")), "\ud83d\ude00", "ok").author())
                .isEqualTo("\ud83d\ude00");
        assertThat(store.history("ns", 0, 1).get(0).author()).isEqualTo("\ud83d\ude00");
    }
}
