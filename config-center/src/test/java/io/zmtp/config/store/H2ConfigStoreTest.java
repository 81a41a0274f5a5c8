package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ConfigStoreContractTest} on {@link H2ConfigStore} in a temporary directory, and what only
 * the embedded store has: its journal, surviving an abrupt stop, the per-JVM directory lock and
 * in-memory stores.
 */
class H2ConfigStoreTest extends ConfigStoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected H2ConfigStore openStore(StoreLimits limits) {
        return H2ConfigStore.open(dir, limits);
    }

    @Override
    protected H2ConfigStore open() {
        return (H2ConfigStore) super.open();
    }

    /** Stops the database the way a killed process would: nothing more is written out by H2. */
    private void crash(H2ConfigStore store) throws Exception {
        String url = "jdbc:h2:file:" + dir.toRealPath().resolve("config");
        try (Connection other = DriverManager.getConnection(url, "sa", "");
             Statement s = other.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException expected) {
            // H2 may report the shutdown as the connection closing under the statement
        }
        try {
            store.close();
        } catch (ConfigStoreException expected) {
            // the connection is already gone
        }
    }

    /** Makes H2 write commits out lazily, as it does once its background writer runs. */
    private void lazyWrites() throws Exception {
        String url = "jdbc:h2:file:" + dir.toRealPath().resolve("config");
        try (Connection other = DriverManager.getConnection(url, "sa", "");
             Statement s = other.createStatement()) {
            s.execute("SET WRITE_DELAY 60000");
        }
    }

    @Test
    void committedRevisionsSurviveAnAbruptStop() throws Exception {
        H2ConfigStore store = open();
        lazyWrites();
        for (int i = 1; i <= 5; i++) {
            put(store, "ns", "k" + i, "v" + i);
        }
        Snapshot before = store.snapshot("ns");
        List<Revision> history = store.history("ns", 0, 100);
        crash(store);

        H2ConfigStore again = open();
        assertThat(again.latestRevision("ns")).isEqualTo(5);
        assertThat(again.snapshot("ns")).isEqualTo(before);
        assertThat(again.history("ns", 0, 100)).isEqualTo(history);
        assertThat(put(again, "ns", "k6", "v6").number()).isEqualTo(6);
    }

    @Test
    void aCommitTheDatabaseRefusedIsNotReplayedLater() throws Exception {
        H2ConfigStore store = open();
        for (int i = 1; i <= 5; i++) {
            put(store, "ns", "k" + i, "v" + i);
        }
        String url = "jdbc:h2:file:" + dir.toRealPath().resolve("config");
        try (Connection other = DriverManager.getConnection(url, "sa", "");
             Statement s = other.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException expected) {
            // as above
        }
        // journaled first, then refused by the dead database: reported as failed, so never stored
        assertThatThrownBy(() -> put(store, "ns", "k6", "v6")).isInstanceOf(ConfigStoreException.class);
        crash(store);

        H2ConfigStore again = open();
        assertThat(again.latestRevision("ns")).isEqualTo(5);
        assertThat(again.snapshot("ns").get("k6")).isEmpty();
    }

    /**
     * What H2 2.5 did in the soak's kill -9 loop: it reopened its file at an older version than the
     * last acknowledged commit. Here the file is swapped for a copy from an earlier clean close.
     */
    @Test
    void revisionsTheDatabaseLostAreReplayedFromTheJournal() throws Exception {
        H2ConfigStore store = open();
        put(store, "ns", "a", "1");
        put(store, "ns", "b", "2");
        store.close();
        Path db = dir.resolve("config.mv.db");
        byte[] older = Files.readAllBytes(db);

        store = open();
        put(store, "ns", "a", "3");
        store.commit("ns", List.of(Change.delete("b"), Change.put("c", "4")), "someone", "three and four");
        put(store, "other", "x", "y");
        Snapshot ns = store.snapshot("ns");
        List<Revision> history = store.history("ns", 0, 100);
        crash(store);
        Files.write(db, older);

        H2ConfigStore again = open();
        assertThat(again.latestRevision("ns")).isEqualTo(4);
        assertThat(again.snapshot("ns")).isEqualTo(ns);
        assertThat(again.history("ns", 0, 100)).isEqualTo(history);
        assertThat(again.snapshotAt("ns", 2).orElseThrow().get("b")).isPresent();
        assertThat(again.latestRevision("other")).isEqualTo(1);
        assertThat(Files.size(dir.resolve(RevisionJournal.FILE_NAME))).as("emptied once H2 holds it all").isZero();
        assertThat(put(again, "ns", "d", "5").number()).isEqualTo(5);
    }

    @Test
    void aJournalThatDoesNotReachTheDatabaseIsRefusedNotRenumbered() throws Exception {
        H2ConfigStore store = open();
        put(store, "ns", "a", "1");
        store.close();
        Path db = dir.resolve("config.mv.db");
        byte[] older = Files.readAllBytes(db);
        store = open();
        put(store, "ns", "a", "2");
        store.close(); // clean: the journal is emptied, revision 2 lives only in H2
        store = open();
        put(store, "ns", "a", "3");
        crash(store);
        Files.write(db, older); // a database that lost revision 2, which no journal holds

        assertThatThrownBy(this::open).isInstanceOf(ConfigStoreException.class)
                .hasMessageContaining("revision 3").hasMessageContaining("ends at revision 1");
    }

    @Test
    void aTornJournalTailIsCutOff() throws Exception {
        H2ConfigStore store = open();
        lazyWrites();
        put(store, "ns", "a", "1");
        put(store, "ns", "b", "2");
        crash(store);
        Path journal = dir.resolve(RevisionJournal.FILE_NAME);
        long whole = Files.size(journal);
        // a crash in the middle of appending revision 3, which was therefore never acknowledged
        Files.write(journal, new byte[] {0x5A, 0x52, 0x4A, 0x31, 0, 0, 1, 0, 7}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(Files.size(journal)).isGreaterThan(whole);

        H2ConfigStore again = open();
        assertThat(again.latestRevision("ns")).isEqualTo(2);
        assertThat(put(again, "ns", "c", "3").number()).isEqualTo(3);
        again.close();
        H2ConfigStore third = open();
        assertThat(third.snapshot("ns").get("c")).isPresent();
    }

    @Test
    void dataDirectoryIsCreatedAndHoldsTheDatabase() {
        Path nested = dir.resolve("a/b");
        H2ConfigStore store = closeLater(H2ConfigStore.open(nested, StoreLimits.DEFAULTS));
        put(store, "ns", "k", "v");
        store.close();
        assertThat(Files.exists(nested.resolve("config.mv.db"))).isTrue();
    }

    @Test
    void aDirectoryIsOpenOncePerJvm() {
        H2ConfigStore store = open();
        assertThatThrownBy(() -> H2ConfigStore.open(dir, StoreLimits.DEFAULTS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
        store.close();
        assertThat(open().latestRevision("ns")).isZero();
    }
    @Test
    void inMemoryStoresAreIndependent() {
        try (H2ConfigStore one = H2ConfigStore.inMemory(StoreLimits.DEFAULTS);
             H2ConfigStore two = H2ConfigStore.inMemory(StoreLimits.DEFAULTS)) {
            put(one, "ns", "k", "v");
            assertThat(one.latestRevision("ns")).isEqualTo(1);
            assertThat(two.latestRevision("ns")).isZero();
            assertThat(Arrays.equals(one.snapshot("ns").get("k").orElseThrow(), "v".getBytes(StandardCharsets.UTF_8)))
                    .isTrue();
        }
    }

    @Test
    void closedInMemoryStoreThrowsIllegalState() {
        H2ConfigStore memory = H2ConfigStore.inMemory(StoreLimits.DEFAULTS);
        memory.close();
        assertThatThrownBy(() -> memory.snapshot("ns")).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Schema version 2 (issue 18): a version-1 database (no revisions.source, keys up to 1024
     * UTF-16 units) is migrated when opened; its rows keep an unknown ("") source, new ones record it.
     */
    @Test
    void aVersionOneDatabaseIsMigratedInPlace() throws Exception {
        H2ConfigStore store = open();
        put(store, "ns", "k1", "v1");
        List<Revision> before = store.history("ns", 0, 10);
        store.close();
        String url = "jdbc:h2:file:" + dir.toRealPath().resolve("config");
        try (Connection old = DriverManager.getConnection(url, "sa", "");
             Statement s = old.createStatement()) {
            s.execute("ALTER TABLE revisions DROP COLUMN source");
            s.execute("ALTER TABLE content ALTER COLUMN k SET DATA TYPE VARCHAR(1024)");
            s.execute("DROP TABLE gray_releases");
            s.execute("UPDATE schema_version SET version = 1");
        }

        H2ConfigStore migrated = open();
        assertThat(migrated.history("ns", 0, 10)).isEqualTo(before);
        assertThat(migrated.history("ns", 0, 10).get(0).source()).isEmpty();
        String emojiKey = "\uD83D\uDE00".repeat(Change.MAX_KEY_LENGTH);
        Revision r = migrated.commit("ns", List.of(Change.put(emojiKey, "x")), "ops", "127.0.0.1:5000", "audited");
        assertThat(r.source()).isEqualTo("127.0.0.1:5000");
        migrated.close();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(H2ConfigStore.SCHEMA_VERSION).isEqualTo(3);
        }
        H2ConfigStore again = open();
        assertThat(again.history("ns", 1, 10).get(0).source()).isEqualTo("127.0.0.1:5000");
        assertThat(again.snapshot("ns").get(emojiKey)).isPresent();
    }

    /** Schema version 3 (gray release): a version-2 database gets gray_releases when opened. */
    @Test
    void aVersionTwoDatabaseGetsTheGrayTable() throws Exception {
        H2ConfigStore store = open();
        put(store, "ns", "k1", "v1");
        store.close();
        String url = "jdbc:h2:file:" + dir.toRealPath().resolve("config");
        try (Connection old = DriverManager.getConnection(url, "sa", "");
             Statement s = old.createStatement()) {
            s.execute("DROP TABLE gray_releases");
            s.execute("UPDATE schema_version SET version = 2");
        }
        H2ConfigStore migrated = open();
        assertThat(migrated.openGray("ns", List.of(Change.put("k1", "g")), "ops", "", "", "1", List.of("w")).number())
                .isEqualTo(2);
        assertThat(migrated.grayRelease("ns")).isPresent();
    }

    /**
     * An abort whose revisions only the journal kept (the gray row not settled: an unclean stop)
     * is settled as aborted when the store opens, so servers still never send the gray revision.
     */
    @Test
    void aGrayRowLeftOpenBehindItsRevisionsIsSettledOnOpen() throws Exception {
        H2ConfigStore store = open();
        put(store, "ns", "a", "1");
        put(store, "other", "a", "1");
        store.openGray("ns", List.of(Change.put("a", "2")), "ops", "", "", "1", List.of("w"));
        store.abortGray("ns", "bob", "", "no");
        store.openGray("other", List.of(Change.put("a", "2")), "ops", "", "", "1", List.of("w"));
        store.promoteGray("other", "bob", "", "yes");
        store.close();
        String url = "jdbc:h2:file:" + dir.toRealPath().resolve("config");
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE gray_releases SET state = 'open', settled_by = NULL, settled_source = NULL,"
                    + " settled_at = NULL, settled_message = NULL")).isEqualTo(2);
        }
        H2ConfigStore again = open();
        assertThat(again.grayRelease("ns")).isEmpty();
        assertThat(again.grayReleases("ns", 0, 10)).singleElement()
                .satisfies(g -> assertThat(g.state()).isEqualTo(io.zmtp.config.model.GrayRelease.State.ABORTED));
        assertThat(again.grayReleases("other", 0, 10)).singleElement()
                .satisfies(g -> assertThat(g.state()).isEqualTo(io.zmtp.config.model.GrayRelease.State.PROMOTED));
        assertThat(again.commit("ns", List.of(Change.put("a", "3")), "ops", "m").number()).isEqualTo(4);
    }

    /** The source address goes through the journal: a crash before H2 wrote it loses nothing. */
    @Test
    void theSourceAddressSurvivesAReplayFromTheJournal() throws Exception {
        H2ConfigStore store = open();
        lazyWrites();
        store.commit("ns", List.of(Change.put("k", "v")), "ops", "10.0.0.7:41000", "m");
        crash(store);
        H2ConfigStore again = open();
        assertThat(again.history("ns", 0, 1).get(0).source()).isEqualTo("10.0.0.7:41000");
        assertThat(again.history("ns", 0, 1).get(0).author()).isEqualTo("ops");
    }
}
