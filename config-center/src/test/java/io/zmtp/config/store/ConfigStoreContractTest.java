package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.ReferenceDigest;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ConfigStore} must do, run against each store by a subclass that says how to
 * open one: {@link #open(StoreLimits)} opens a store on the test's own storage, and opening it
 * again after a close finds what was committed.
 */
abstract class ConfigStoreContractTest {

    private final List<ConfigStore> opened = new ArrayList<>();

    /** Opens a store on this test's storage (the same storage every time within one test). */
    protected abstract ConfigStore openStore(StoreLimits limits);

    /** Runs after every store the test opened is closed; for the subclass's clean-up. */
    protected void afterStoresClosed() throws Exception {
    }

    @AfterEach
    final void closeAll() throws Exception {
        try {
            opened.forEach(ConfigStore::close);
        } finally {
            afterStoresClosed();
        }
    }

    protected ConfigStore open() {
        return open(StoreLimits.DEFAULTS);
    }

    protected final ConfigStore open(StoreLimits limits) {
        ConfigStore store = openStore(limits);
        opened.add(store);
        return store;
    }

    /** Registers a store opened otherwise, to be closed after the test. */
    protected final <S extends ConfigStore> S closeLater(S store) {
        opened.add(store);
        return store;
    }

    static Revision put(ConfigStore store, String ns, String key, String value) {
        return store.commit(ns, List.of(Change.put(key, value)), "tester", "set " + key);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static void assertSameContent(Snapshot actual, Map<String, byte[]> expected) {
        assertThat(actual.entries().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.entries().get(k)).as("value of %s", k).isEqualTo(v));
        assertThat(actual.digest()).isEqualTo(ReferenceDigest.of(expected));
    }

    // ------------------------------------------------------------------ basics

    @Test
    void unknownNamespaceIsEmptyAtRevisionZero() {
        ConfigStore store = open();
        Snapshot s = store.snapshot("nothing/here");
        assertThat(s.revision()).isZero();
        assertThat(s.entries()).isEmpty();
        assertThat(s.digest()).isEqualTo(Digest.EMPTY);
        assertThat(store.latestRevision("nothing/here")).isZero();
        assertThat(store.oldestRevision("nothing/here")).isZero();
        assertThat(store.history("nothing/here", 0, 10)).isEmpty();
        assertThat(store.snapshotAt("nothing/here", 0)).isEmpty();
        assertThat(store.snapshotAt("nothing/here", 1)).isEmpty();
        assertThat(store.namespaces()).isEmpty();
    }

    @Test
    void revisionsAreNumberedPerNamespace() {
        ConfigStore store = open();
        assertThat(put(store, "a", "k", "1").number()).isEqualTo(1);
        assertThat(put(store, "a", "k", "2").number()).isEqualTo(2);
        assertThat(put(store, "b", "k", "1").number()).isEqualTo(1);
        assertThat(put(store, "a", "k", "3").number()).isEqualTo(3);
        assertThat(store.latestRevision("a")).isEqualTo(3);
        assertThat(store.latestRevision("b")).isEqualTo(1);
        assertThat(store.namespaces()).containsExactly("a", "b");
    }

    /**
     * What a commit returns is what the history gives for it, as the wire carries it (header and
     * values): a server answers a node one revision behind with the revision it published last.
     */
    @Test
    void aCommittedRevisionIsWhatTheHistoryGivesForIt() {
        ConfigStore store = open();
        List<Revision> made = new ArrayList<>();
        made.add(store.commit("ns", List.of(Change.put("a", "1"), Change.put("b", "2")), "ops", "192.0.2.7:40000", "first"));
        made.add(store.commit("ns", List.of(Change.delete("a"), Change.put("c", "\u00e9t\u00e9")), "ops", "second"));
        made.add(store.rollback("ns", 1, "ops", "192.0.2.8:40001", "back"));
        for (Revision r : made) {
            Revision kept = store.history("ns", r.number() - 1, 1).get(0);
            assertThat(wire(r)).as("r%d", r.number()).isEqualTo(wire(kept));
        }
    }

    /** A revision as an UPDATE or REVISION carries it: the header, then each put's value. */
    private static String wire(Revision r) {
        StringBuilder sb = new StringBuilder(io.zmtp.config.protocol.Wire.revisionHeader(r).toString());
        for (Change c : r.changes()) {
            sb.append(" | ").append(c.key()).append(c.isDelete() ? " deleted" : " = " + new String(c.value(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Issue 18, audit: a revision keeps the admin connection's address; a key of 1024 non-BMP code points fits. */
    @Test
    void aRevisionKeepsItsSourceAddressAndLongNonBmpKeys() {
        ConfigStore store = open();
        String key = "\ud83d\ude00".repeat(Change.MAX_KEY_LENGTH);
        Revision r = store.commit("ns", List.of(Change.put(key, "v")), "ops", "192.0.2.7:40000", "audited");
        assertThat(r.source()).isEqualTo("192.0.2.7:40000");
        assertThat(store.commit("ns", List.of(Change.put("k", "v")), "ops", "no source").source()).isEmpty();
        Revision back = store.rollback("ns", 1, "ops", "192.0.2.8:40001", "again");
        assertThat(back.source()).isEqualTo("192.0.2.8:40001");
        assertThat(store.history("ns", 0, 10)).extracting(Revision::source)
                .containsExactly("192.0.2.7:40000", "", "192.0.2.8:40001");
        assertThat(store.snapshot("ns").get(key)).isPresent();
    }

    @Test
    void commitStoresContentAndDigest() {
        ConfigStore store = open();
        Revision r = store.commit("app/prod", List.of(
                Change.put("db.url", "jdbc:x"), Change.put("\u00e9t\u00e9", new byte[] {0, (byte) 0xff}),
                Change.delete("absent")), "alice", "first");
        assertThat(r.namespace()).isEqualTo("app/prod");
        assertThat(r.author()).isEqualTo("alice");
        assertThat(r.message()).isEqualTo("first");
        assertThat(r.changes()).as("the delete of an absent key has no effect and is not kept")
                .containsExactly(Change.put("db.url", "jdbc:x"), Change.put("\u00e9t\u00e9", new byte[] {0, (byte) 0xff}));

        Snapshot s = store.snapshot("app/prod");
        assertThat(s.revision()).isEqualTo(1);
        assertThat(s.digest()).isEqualTo(r.digest());
        assertThat(utf8(s.get("db.url").orElseThrow())).isEqualTo("jdbc:x");
        TreeMap<String, byte[]> expected = new TreeMap<>();
        expected.put("db.url", "jdbc:x".getBytes(StandardCharsets.UTF_8));
        expected.put("\u00e9t\u00e9", new byte[] {0, (byte) 0xff});
        assertSameContent(s, expected);

        Revision r2 = store.commit("app/prod",
                List.of(Change.put("db.url", "jdbc:x"), Change.delete("\u00e9t\u00e9")), "bob", "");
        assertThat(r2.changes()).containsExactly(Change.delete("\u00e9t\u00e9"));
        assertThat(store.snapshot("app/prod").entries()).containsOnlyKeys("db.url");
    }

    @Test
    void callerArraysAreNotShared() {
        ConfigStore store = open();
        byte[] mine = {1, 2, 3};
        store.commit("ns", List.of(Change.put("k", mine)), "t", "");
        mine[0] = 9;
        assertThat(store.snapshot("ns").get("k").orElseThrow()).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsEmptyDuplicateAndNoOpChangeSets() {
        ConfigStore store = open();
        put(store, "ns", "a", "1");
        assertThatThrownBy(() -> store.commit("ns", List.of(), "t", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> store.commit("ns", null, "t", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.commit("ns", List.of(Change.put("a", "1"), Change.delete("zz")), "t", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes nothing");
        assertThatThrownBy(() -> store.commit("ns", List.of(Change.put("b", "1"), Change.delete("b")), "t", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
        assertThatThrownBy(() -> store.commit("/bad", List.of(Change.put("b", "1")), "t", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.commit("ns", List.of(Change.put("b", "1")), null, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("author");
        assertThatThrownBy(() -> store.commit("ns", List.of(Change.put("b", "1")), "t", "m".repeat(4097)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message");
        assertThat(store.latestRevision("ns")).isEqualTo(1);
        assertThat(put(store, "ns", "b", "2").number()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ group commit

    @Test
    void aGroupCommitNumbersInOrderRefusesBadChangeSetsAloneAndEqualsCommittingOneByOne() {
        ConfigStore store = open(new StoreLimits(16, 1024));
        put(store, "a", "k", "0");
        List<ConfigStore.Commit> commits = List.of(
                new ConfigStore.Commit("a", List.of(Change.put("k", "1")), "t", "10.0.0.1:1", "one"),
                new ConfigStore.Commit("b", List.of(Change.put("x", "1")), "t", "", "b one"),
                new ConfigStore.Commit("a", List.of(Change.put("k", "x".repeat(17))), "t", "", "over the value limit"),
                new ConfigStore.Commit("a", List.of(), "t", "", "empty"),
                new ConfigStore.Commit("a", List.of(Change.put("k", "2"), Change.put("j", "2")), "t", "", "two"),
                new ConfigStore.Commit("bad ns!", List.of(Change.put("k", "1")), "t", "", "bad namespace"),
                new ConfigStore.Commit("a", List.of(Change.delete("j")), "t", "", "three"));
        List<ConfigStore.Outcome> out = store.commitAll(commits);

        assertThat(out).hasSize(7);
        assertThat(out.get(0).revision().number()).isEqualTo(2);
        assertThat(out.get(0).revision().source()).isEqualTo("10.0.0.1:1");
        assertThat(out.get(1).revision().number()).isEqualTo(1);
        assertThat(out.get(2).refused()).isInstanceOf(ConfigLimitException.class);
        assertThat(out.get(3).refused()).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.get(4).revision().number()).isEqualTo(3);
        assertThat(out.get(5).refused()).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.get(6).revision().number()).isEqualTo(4);
        for (int i : new int[] {2, 3, 5}) {
            assertThat(out.get(i).revision()).isNull();
        }

        // The same change sets committed one by one on another store give the same digests.
        ConfigStore reference = closeLater(H2ConfigStore.inMemory(StoreLimits.DEFAULTS));
        reference.commit("a", List.of(Change.put("k", "0")), "t", "");
        reference.commit("a", List.of(Change.put("k", "1")), "t", "");
        reference.commit("a", List.of(Change.put("k", "2"), Change.put("j", "2")), "t", "");
        Revision last = reference.commit("a", List.of(Change.delete("j")), "t", "");
        assertThat(out.get(6).revision().digest()).isEqualTo(last.digest());
        assertThat(store.snapshot("a").digest()).isEqualTo(last.digest());
        assertThat(store.history("a", 0, 10)).extracting(Revision::number).containsExactly(1L, 2L, 3L, 4L);
        store.close();

        ConfigStore again = open(new StoreLimits(16, 1024));
        assertThat(again.latestRevision("a")).isEqualTo(4);
        assertThat(again.snapshot("a").digest()).isEqualTo(last.digest());
        assertThat(again.latestRevision("b")).isEqualTo(1);
        assertThat(again.commitAll(List.of()).isEmpty()).isTrue();
    }

    // ------------------------------------------------------------------ limits

    @Test
    void overLimitValueStoresNothingAndUsesNoRevision() {
        ConfigStore store = open(new StoreLimits(16, 1024));
        put(store, "ns", "a", "1");
        Snapshot before = store.snapshot("ns");

        assertThatThrownBy(() -> store.commit("ns", List.of(
                Change.put("b", "small"), Change.put("c", new byte[17]), Change.delete("a")), "t", ""))
                .isInstanceOf(ConfigLimitException.class).hasMessageContaining("'c'").hasMessageContaining("17");

        assertThat(store.snapshot("ns")).isEqualTo(before);
        assertThat(store.latestRevision("ns")).isEqualTo(1);
        assertThat(store.history("ns", 0, 10)).hasSize(1);
        assertThat(store.commit("ns", List.of(Change.put("c", new byte[16])), "t", "").number()).isEqualTo(2);
    }

    @Test
    void overLimitNamespaceStoresNothing() {
        ConfigStore store = open(new StoreLimits(16, 40));
        store.commit("ns", List.of(Change.put("k1", new byte[16]), Change.put("k2", new byte[16])), "t", ""); // 36 bytes
        assertThatThrownBy(() -> store.commit("ns", List.of(Change.put("k3", new byte[3])), "t", ""))
                .isInstanceOf(ConfigLimitException.class).hasMessageContaining("41").hasMessageContaining("40");
        assertThat(store.latestRevision("ns")).isEqualTo(1);
        assertThat(store.snapshot("ns").entries()).containsOnlyKeys("k1", "k2");
        // exactly at the limit is fine
        assertThat(store.commit("ns", List.of(Change.put("k3", new byte[2])), "t", "").number()).isEqualTo(2);
    }

    @Test
    void namespaceOverALoweredLimitMayStillShrink() {
        ConfigStore big = open(StoreLimits.DEFAULTS);
        big.commit("ns", List.of(Change.put("a", new byte[30]), Change.put("b", new byte[30])), "t", "");
        big.close();

        ConfigStore small = open(new StoreLimits(30, 40));
        assertThatThrownBy(() -> small.commit("ns", List.of(Change.put("c", new byte[1])), "t", ""))
                .isInstanceOf(ConfigLimitException.class);
        assertThat(small.commit("ns", List.of(Change.put("a", new byte[10])), "t", "").number()).isEqualTo(2);
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new StoreLimits(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoreLimits(10, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxNamespaceBytes");
        assertThat(StoreLimits.defaults()).isEqualTo(new StoreLimits(1 << 20, 64L << 20));
    }

    // ------------------------------------------------------------------ durability

    @Test
    void reopenContinuesWhereItStopped() {
        ConfigStore store = open();
        Random random = new Random(42);
        for (int i = 1; i <= 50; i++) {
            List<Change> changes = new ArrayList<>();
            changes.add(Change.put("counter", Integer.toString(i)));
            String key = "k" + random.nextInt(10);
            if (i % 7 == 0 && store.snapshot("ns").get(key).isPresent()) {
                changes.add(Change.delete(key));
            } else {
                byte[] value = new byte[random.nextInt(300)];
                random.nextBytes(value);
                changes.add(Change.put(key, value));
            }
            assertThat(store.commit("ns", changes, "author" + i, "message " + i).number()).isEqualTo(i);
        }
        put(store, "other", "x", "y");
        Snapshot snapshot = store.snapshot("ns");
        List<Revision> history = store.history("ns", 0, 1000);
        Optional<Snapshot> middle = store.snapshotAt("ns", 25);
        List<String> namespaces = store.namespaces();
        store.close();

        ConfigStore again = open();
        assertThat(again.latestRevision("ns")).isEqualTo(50);
        assertThat(again.snapshot("ns")).isEqualTo(snapshot);
        assertThat(again.snapshot("ns").digest()).isEqualTo(snapshot.digest()).isEqualTo(history.get(49).digest());
        assertThat(again.history("ns", 0, 1000)).isEqualTo(history).hasSize(50);
        assertThat(again.snapshotAt("ns", 25)).isEqualTo(middle).isPresent();
        assertThat(again.namespaces()).isEqualTo(namespaces);
        assertThat(again.oldestRevision("ns")).isEqualTo(1);
        assertThat(put(again, "ns", "counter", "51").number()).isEqualTo(51);
        assertThat(put(again, "other", "x", "z").number()).isEqualTo(2);
    }
    @Test
    void closedStoreThrowsIllegalState() {
        ConfigStore store = open();
        put(store, "ns", "k", "v");
        store.close();
        store.close(); // idempotent
        NodeReport report = new NodeReport("n", "ns", 1, Digest.EMPTY, Instant.EPOCH, Instant.EPOCH);
        List<Consumer<ConfigStore>> calls = List.of(
                s -> s.commit("ns", List.of(Change.put("k", "w")), "t", ""),
                s -> s.snapshot("ns"),
                s -> s.snapshotAt("ns", 1),
                s -> s.latestRevision("ns"),
                s -> s.history("ns", 0, 1),
                s -> s.oldestRevision("ns"),
                s -> s.prune("ns", 1),
                s -> s.rollback("ns", 1, "t", ""),
                s -> s.namespaces(),
                s -> s.recordReport(report),
                s -> s.reports());
        for (Consumer<ConfigStore> call : calls) {
            assertThatThrownBy(() -> call.accept(store)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }

    // ------------------------------------------------------------------ history

    @Test
    void snapshotAtEveryRevisionEqualsReplayingHistory() {
        ConfigStore store = open();
        Random random = new Random(7);
        int revisions = 0;
        while (revisions < 40) {
            List<Change> changes = new ArrayList<>();
            for (int j = 0; j < 1 + random.nextInt(4); j++) {
                String key = "k" + j + random.nextInt(3);
                if (changes.stream().anyMatch(c -> c.key().equals(key))) {
                    continue;
                }
                changes.add(random.nextInt(3) == 0 ? Change.delete(key) : Change.put(key, new byte[] {(byte) random.nextInt(3)}));
            }
            try {
                store.commit("ns", changes, "t", "");
                revisions++;
            } catch (IllegalArgumentException noOp) {
                assertThat(noOp).hasMessageContaining("changes nothing");
            }
        }

        List<Revision> history = store.history("ns", 0, 1000);
        assertThat(history).extracting(Revision::number).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 40).boxed().toList());
        TreeMap<String, byte[]> replay = new TreeMap<>();
        for (Revision r : history) {
            for (Change c : r.changes()) {
                if (c.isDelete()) {
                    replay.remove(c.key());
                } else {
                    replay.put(c.key(), c.value());
                }
            }
            Snapshot at = store.snapshotAt("ns", r.number()).orElseThrow();
            assertThat(at.revision()).isEqualTo(r.number());
            assertThat(at.digest()).isEqualTo(r.digest());
            assertSameContent(at, replay);
        }
        assertThat(store.snapshotAt("ns", 0)).isEmpty();
        assertThat(store.snapshotAt("ns", 41)).isEmpty();
        assertThat(store.snapshotAt("ns", 40)).contains(store.snapshot("ns"));
    }

    @Test
    void historyPagesAscending() {
        ConfigStore store = open();
        for (int i = 1; i <= 10; i++) {
            put(store, "ns", "k", "v" + i);
        }
        assertThat(store.history("ns", 3, 4)).extracting(Revision::number).containsExactly(4L, 5L, 6L, 7L);
        assertThat(store.history("ns", 8, 100)).extracting(Revision::number).containsExactly(9L, 10L);
        assertThat(store.history("ns", 10, 100)).isEmpty();
        assertThatThrownBy(() -> store.history("ns", -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.history("ns", 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rollbackCommitsTheOldContentAsANewRevision() {
        ConfigStore store = open();
        store.commit("ns", List.of(Change.put("a", "1"), Change.put("b", "1")), "t", "r1");
        store.commit("ns", List.of(Change.put("a", "2"), Change.put("c", "2")), "t", "r2");
        Snapshot two = store.snapshot("ns");
        store.commit("ns", List.of(Change.delete("b"), Change.put("c", "3"), Change.put("d", "3")), "t", "r3");
        store.commit("ns", List.of(Change.put("a", "4")), "t", "r4");

        Revision back = store.rollback("ns", 2, "ops", "undo r3 and r4");
        assertThat(back.number()).isEqualTo(5);
        assertThat(back.author()).isEqualTo("ops");
        assertThat(back.digest()).isEqualTo(two.digest());
        assertThat(back.changes()).containsExactly(
                Change.put("a", "2"), Change.put("b", "1"), Change.put("c", "2"), Change.delete("d"));
        Snapshot now = store.snapshot("ns");
        assertThat(now.revision()).isEqualTo(5);
        assertThat(now.sameContent(two)).isTrue();
        assertThat(now.digest()).isEqualTo(two.digest());
        assertThat(store.history("ns", 4, 10)).containsExactly(back);
        // history is untouched: revision 4 can still be rebuilt and returned to
        assertThat(store.snapshotAt("ns", 4).orElseThrow().get("d")).isPresent();

        assertThatThrownBy(() -> store.rollback("ns", 2, "ops", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
        assertThatThrownBy(() -> store.rollback("ns", 0, "ops", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("revision 0");
        assertThatThrownBy(() -> store.rollback("ns", 6, "ops", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        assertThat(store.rollback("ns", 4, "ops", "redo").number()).isEqualTo(6);
        assertThat(store.snapshot("ns").digest()).isEqualTo(store.snapshotAt("ns", 4).orElseThrow().digest());
    }

    @Test
    void pruneDropsOldChangeSetsButKeepsContent() {
        ConfigStore store = open();
        for (int i = 1; i <= 10; i++) {
            store.commit("ns", List.of(Change.put("k" + (i % 4), "v" + i)), "t", "");
        }
        Snapshot latest = store.snapshot("ns");
        Snapshot six = store.snapshotAt("ns", 6).orElseThrow();

        store.prune("ns", 6);
        assertThat(store.oldestRevision("ns")).isEqualTo(6);
        assertThat(store.snapshotAt("ns", 5)).isEmpty();
        assertThat(store.snapshotAt("ns", 1)).isEmpty();
        assertThat(store.snapshotAt("ns", 6)).contains(six);
        assertThat(store.history("ns", 0, 100)).extracting(Revision::number)
                .containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(store.snapshot("ns")).isEqualTo(latest);
        assertThatThrownBy(() -> store.rollback("ns", 5, "t", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pruned");
        assertThat(store.rollback("ns", 6, "t", "").number()).isEqualTo(11);

        store.prune("ns", 3); // below what is kept: nothing to do
        assertThat(store.oldestRevision("ns")).isEqualTo(6);
        assertThatThrownBy(() -> store.prune("ns", 13)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latest revision is 11");

        store.prune("ns", 12); // everything
        assertThat(store.oldestRevision("ns")).isZero();
        assertThat(store.history("ns", 0, 100)).isEmpty();
        assertThat(store.snapshotAt("ns", 11)).isEmpty();
        assertThat(store.latestRevision("ns")).isEqualTo(11);
        assertThat(store.snapshot("ns").sameContent(six)).isTrue();
        assertThat(put(store, "ns", "new", "1").number()).isEqualTo(12);
        assertThat(store.oldestRevision("ns")).isEqualTo(12);
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void concurrentCommitsGetDistinctConsecutiveRevisions() throws Exception {
        ConfigStore store = open();
        int threads = 4;
        int perThread = 50;
        ConcurrentLinkedQueue<Long> numbers = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    long previous = 0;
                    for (int i = 0; i < perThread; i++) {
                        long n = store.commit("shared", List.of(Change.put("t" + thread + "/" + i, "v")),
                                "thread" + thread, "").number();
                        assertThat(n).isGreaterThan(previous);
                        previous = n;
                        numbers.add(n);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(numbers.stream().sorted().toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        assertThat(store.latestRevision("shared")).isEqualTo(200);
        assertThat(store.snapshot("shared").size()).isEqualTo(200);
        assertThat(store.history("shared", 0, 1000)).hasSize(200);
    }

    // ------------------------------------------------------------------ reports

    @Test
    void reportsUpsertAndSurviveRestart() {
        ConfigStore store = open();
        Instant t0 = Instant.parse("2024-05-01T10:15:30.123456Z"); // microseconds: what every store keeps
        String d1 = ReferenceDigest.of(Map.of("k", new byte[] {1}));
        store.recordReport(new NodeReport("node-b", "ns", 1, d1, t0, t0));
        store.recordReport(new NodeReport("node-a", "ns", 1, d1, t0, t0));
        store.recordReport(new NodeReport("node-a", "other", 0, Digest.EMPTY, t0, t0));
        NodeReport newer = new NodeReport("node-a", "ns", 2, Digest.EMPTY, t0.plusSeconds(5), t0.plusSeconds(6));
        store.recordReport(newer);

        List<NodeReport> reports = store.reports();
        assertThat(reports).containsExactly(
                newer,
                new NodeReport("node-a", "other", 0, Digest.EMPTY, t0, t0),
                new NodeReport("node-b", "ns", 1, d1, t0, t0));
        assertThatThrownBy(() -> store.recordReport(null)).isInstanceOf(IllegalArgumentException.class);
        store.close();

        assertThat(open().reports()).isEqualTo(reports);
    }

    @Test
    void reportsRecordedTogetherReplaceEarlierOnesAndSurviveAReopen() {
        ConfigStore store = open();
        Instant t0 = Instant.parse("2024-05-01T10:15:30.123456Z");
        String d1 = ReferenceDigest.of(Map.of("k", new byte[] {1}));
        store.recordReport(new NodeReport("node-a", "ns", 1, d1, t0, t0));
        store.recordReports(List.of());
        List<NodeReport> batch = new ArrayList<>();
        for (int i = 999; i >= 0; i--) {  // out of order: the store sorts or does not care
            batch.add(new NodeReport(String.format("node-%03d", i), "ns", i, Digest.EMPTY, t0.plusSeconds(i), t0.plusSeconds(i)));
        }
        NodeReport newerA = new NodeReport("node-a", "ns", 7, Digest.EMPTY, t0.plusSeconds(9), t0.plusSeconds(9));
        batch.add(newerA);
        store.recordReports(batch);

        List<NodeReport> reports = store.reports();
        assertThat(reports).hasSize(1001);
        assertThat(reports.get(0)).isEqualTo(new NodeReport("node-000", "ns", 0, Digest.EMPTY, t0, t0));
        assertThat(reports.get(1000)).isEqualTo(newerA);
        store.close();
        assertThat(open().reports()).isEqualTo(reports);
    }

    // ------------------------------------------------------------------ gray releases

    private static GrayStateException grayState(Runnable r) {
        try {
            r.run();
        } catch (GrayStateException e) {
            return e;
        }
        throw new AssertionError("expected a GrayStateException");
    }

    @Test
    void anOpenGrayReleaseLeavesTheMainLineAloneAndBlocksItUntilSettled() {
        ConfigStore store = open();
        put(store, "ns", "a", "1");
        Revision main = put(store, "ns", "b", "2");
        Revision g = store.openGray("ns", List.of(Change.put("a", "gray"), Change.delete("b")), "ops", "10.0.0.1:5",
                "try it", "zone=a", List.of("web-2", "web-1"));
        assertThat(g.number()).isEqualTo(main.number() + 1);
        assertThat(g.digest()).isEqualTo(ReferenceDigest.of(Map.of("a", "gray".getBytes(StandardCharsets.UTF_8))));
        assertThat(store.latestRevision("ns")).isEqualTo(main.number());
        assertThat(store.snapshot("ns").digest()).isEqualTo(main.digest());
        assertThat(store.history("ns", 0, 10)).extracting(Revision::number).containsExactly(1L, 2L);
        assertThat(store.grayRelease("ns")).hasValueSatisfying(r -> {
            assertThat(r.revision()).isEqualTo(g);
            assertThat(r.nodes()).containsExactly("web-1", "web-2");
            assertThat(r.selector()).isEqualTo("zone=a");
            assertThat(r.state()).isEqualTo(GrayRelease.State.OPEN);
        });
        assertThat(grayState(() -> put(store, "ns", "c", "3")).code()).isEqualTo("gray-open");
        assertThat(grayState(() -> store.rollback("ns", 1, "ops", "back")).code()).isEqualTo("gray-open");
        assertThat(grayState(() -> store.openGray("ns", List.of(Change.put("c", "3")), "ops", "", "", "1",
                List.of("web-1"))).code()).isEqualTo("gray-open");
        assertThat(store.latestRevision("ns")).isEqualTo(main.number());
        // Other namespaces are not affected.
        assertThat(put(store, "other", "x", "1").number()).isEqualTo(1);
        store.close();

        ConfigStore again = open();
        assertThat(again.grayRelease("ns")).hasValueSatisfying(r -> assertThat(r.revision()).isEqualTo(g));
        assertThat(grayState(() -> put(again, "ns", "c", "3")).code()).isEqualTo("gray-open");
    }

    /**
     * syncFacts says what the reads it stands for say one by one, and for every revision a node may
     * sync from whether an aborted gray revision lies above it: after commits, an aborted gray
     * release, a prune, and a gray release left open.
     */
    @Test
    void syncFactsAgreeWithTheReadsTheyStandFor() {
        ConfigStore store = open();
        assertThat(store.syncFacts("ns")).isEqualTo(new ConfigStore.SyncFacts(0, null, 0, false, 0));
        for (int i = 1; i <= 4; i++) {
            put(store, "ns", "k" + i, "v" + i);
        }
        store.openGray("ns", List.of(Change.put("k1", "gray")), "ops", "", "try", "1", List.of("web-1"));
        store.abortGray("ns", "ops", "", "no");
        put(store, "ns", "k5", "v5");
        store.prune("ns", 3);
        store.openGray("ns", List.of(Change.put("k2", "gray")), "ops", "", "try again", "1", List.of("web-1"));
        long latest = store.latestRevision("ns");
        assertThat(latest).isEqualTo(7);
        ConfigStore.SyncFacts f = store.syncFacts("ns");
        assertThat(f.latest()).isEqualTo(latest);
        if (f.latestDigest() != null) {
            assertThat(f.latestDigest()).isEqualTo(store.history("ns", latest - 1, 1).get(0).digest());
        }
        assertThat(f.oldest()).isEqualTo(store.oldestRevision("ns")).isEqualTo(3);
        assertThat(f.grayOpen()).isEqualTo(store.grayRelease("ns").isPresent()).isTrue();
        // The open gray release (r8) is above the head and not aborted: the aborted one is r5.
        assertThat(f.lastAborted()).isEqualTo(store.lastAbortedGray("ns", latest)).isEqualTo(5);
        for (long from = 0; from <= latest + 1; from++) {
            long after = from;
            boolean aborted = store.grayReleases("ns", after, 100).stream()
                    .anyMatch(g -> g.number() <= latest && g.state() == GrayRelease.State.ABORTED);
            assertThat(f.abortedAfter(from)).as("aborted after r%d", from).isEqualTo(aborted).isEqualTo(from < 5);
        }
        assertThat(store.lastAbortedGray("ns", 4)).isZero();
        assertThat(store.syncFacts("other")).isEqualTo(new ConfigStore.SyncFacts(0, null, 0, false, 0));
    }

    @Test
    void promoteCommitsTheGrayRevisionAsItWas() {
        ConfigStore store = open();
        Revision main = put(store, "ns", "a", "1");
        Revision g = store.openGray("ns", List.of(Change.put("a", "2")), "alice", "10.0.0.1:5", "canary", "1",
                List.of("web-1"));
        Revision promoted = store.promoteGray("ns", "bob", "10.0.0.2:6", "looks good");
        assertThat(promoted).isEqualTo(g);
        assertThat(store.latestRevision("ns")).isEqualTo(main.number() + 1);
        assertThat(store.snapshot("ns").digest()).isEqualTo(g.digest());
        assertThat(store.history("ns", main.number(), 1)).containsExactly(g);
        assertThat(store.grayRelease("ns")).isEmpty();
        store.close();

        ConfigStore again = open();
        assertThat(again.grayReleases("ns", 0, 10)).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(GrayRelease.State.PROMOTED);
            assertThat(r.settled().author()).isEqualTo("bob");
            assertThat(r.settled().source()).isEqualTo("10.0.0.2:6");
            assertThat(r.settled().message()).isEqualTo("looks good");
            assertThat(r.revision()).isEqualTo(g);
        });
        assertThat(put(again, "ns", "a", "3").number()).isEqualTo(g.number() + 1);
    }

    @Test
    void abortKeepsTheGrayRevisionInTheHistoryAndRestoresTheMainContentAfterIt() {
        ConfigStore store = open();
        put(store, "ns", "a", "1");
        Revision main = put(store, "ns", "b", "1");
        Revision g = store.openGray("ns", List.of(Change.put("a", "2"), Change.delete("b"), Change.put("c", "new")),
                "alice", "", "canary", "50%", List.of("web-1"));
        Revision back = store.abortGray("ns", "bob", "10.0.0.2:6", "no");
        assertThat(back.number()).isEqualTo(g.number() + 1);
        assertThat(back.digest()).isEqualTo(main.digest());
        assertThat(back.author()).isEqualTo("bob");
        assertThat(back.message()).isEqualTo("no");
        assertThat(store.history("ns", main.number(), 10)).extracting(Revision::number)
                .containsExactly(g.number(), back.number());
        assertThat(store.history("ns", main.number(), 1).get(0)).isEqualTo(g);
        assertThat(store.snapshotAt("ns", g.number()).orElseThrow().digest()).isEqualTo(g.digest());
        assertThat(store.snapshot("ns").digest()).isEqualTo(main.digest());
        assertThat(store.grayRelease("ns")).isEmpty();
        store.close();

        ConfigStore again = open();
        assertThat(again.latestRevision("ns")).isEqualTo(back.number());
        assertThat(again.snapshot("ns").digest()).isEqualTo(main.digest());
        assertThat(again.grayReleases("ns", 0, 10)).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(GrayRelease.State.ABORTED);
            assertThat(r.number()).isEqualTo(g.number());
            assertThat(r.settled().author()).isEqualTo("bob");
        });
        assertThat(again.grayReleases("ns", g.number(), 10)).isEmpty();
        Revision next = again.openGray("ns", List.of(Change.put("a", "9")), "alice", "", "", "1", List.of("web-1"));
        assertThat(next.number()).isEqualTo(back.number() + 1);
    }

    @Test
    void grayRequestsThatCannotBeAreRefused() {
        ConfigStore store = open();
        assertThatThrownBy(() -> store.openGray("ns", List.of(Change.put("a", "1")), "ops", "", "", "1", List.of("w")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no revision yet");
        put(store, "ns", "a", "1");
        assertThat(grayState(() -> store.promoteGray("ns", "ops", "", "")).code()).isEqualTo("no-gray");
        assertThat(grayState(() -> store.abortGray("ns", "ops", "", "")).code()).isEqualTo("no-gray");
        assertThatThrownBy(() -> store.openGray("ns", List.of(Change.put("a", "1")), "ops", "", "", "1", List.of("w")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes nothing");
        assertThatThrownBy(() -> store.openGray("ns", List.of(Change.put("a", "2")), "ops", "", "", "1", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.openGray("ns", List.of(Change.put("a", "2")), "ops", "", "", "1", List.of("a,b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.openGray("ns", List.of(Change.put("a", "2")), "ops", "", "", "", List.of("a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.openGray("ns", List.of(Change.put("a", "x".repeat(2 << 20))), "ops", "", "", "1",
                List.of("a"))).isInstanceOf(ConfigLimitException.class);
        assertThat(store.grayRelease("ns")).isEmpty();
        assertThat(store.latestRevision("ns")).isEqualTo(1);
    }
}
