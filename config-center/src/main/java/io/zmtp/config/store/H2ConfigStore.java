package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.Namespaces;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link ConfigStore} in an embedded H2 database: a single file {@code config.mv.db} in the data
 * directory, so the server needs no database service and a backup is one file copy.
 *
 * <h2>Schema (version 3)</h2>
 * <pre>
 * schema_version (version INT)                     -- one row; a newer version is refused
 * namespaces     (ns PK, latest_rev, digest)       -- the latest revision and its digest
 * content        (ns, k VARCHAR(2048), v BLOB; PK ns, k) -- the latest content
 * revisions      (ns, rev, digest, author, committed_at TIMESTAMP(9) WITH TIME ZONE, message,
 *                 changes BLOB, undo BLOB, source; PK ns, rev)
 * </pre>
 * Version 2 added {@code revisions.source} (the admin connection's address, {@code ''} for rows
 * written before) and widened {@code content.k} to 2048 UTF-16 units, since a key is limited to
 * 1024 code points. A version-1 database is migrated in place when opened (two ALTER TABLEs).
 * <pre>
 * reports        (node_id, ns, rev, digest, applied_at, seen_at; PK node_id, ns)
 * gray_releases  (ns, rev, digest, author, source, opened_at, message, changes, selector, nodes,
 *                 state, settled_by, settled_source, settled_at, settled_message; PK ns, rev)
 * </pre>
 * Version 3 added {@code gray_releases} (see {@link GrayRows}); versions 1 and 2 are migrated in
 * place. An abort writes its two revisions and the row's new state in one transaction, after
 * journaling both revisions; if only the journal kept them (an unclean stop), the open row is
 * settled again from the revisions when the store opens ({@link #settleStaleGrayRows}).
 * {@code changes} is the revision's effective change set and {@code undo} its inverse (each
 * touched key's previous value, or a delete if it was absent), both in the binary form of
 * {@link ChangeSetCodec}. Old content is rebuilt by undoing revisions backwards from the latest
 * content, so pruning old revisions needs no base snapshot and recent revisions are cheap to rebuild.
 *
 * <h2>Concurrency and durability</h2>
 * One JDBC connection, used under one lock: every operation is serialized, which also makes the
 * revision numbering trivially gap-free. The latest content of each namespace read so far is
 * cached in memory, since every commit needs it whole to compute the digest; the cache holds as
 * much as the namespaces used. Each commit is one transaction. Durability does not rest on H2: a
 * file store first appends the revision to its {@link RevisionJournal} (forced to disk), then
 * commits it to H2, and only then is it acknowledged; on open the journal is replayed into
 * whatever H2 recovered, and emptied once H2 has been closed cleanly (at open, at close, and when
 * the journal passes {@value #JOURNAL_SETTLE_BYTES} bytes). A data directory can be open once per
 * JVM; H2's file lock keeps other processes out.
 */
public final class H2ConfigStore implements ConfigStore {
    /** The schema this class reads and writes. */
    static final int SCHEMA_VERSION = 3;
    /** Longest source address kept with a revision. */
    static final int MAX_SOURCE_LENGTH = 300;
    /** The longest author accepted by {@link #commit}, in characters. */
    public static final int MAX_AUTHOR_LENGTH = ChangeSets.MAX_AUTHOR_LENGTH;
    /** The longest message accepted by {@link #commit}, in characters. */
    public static final int MAX_MESSAGE_LENGTH = ChangeSets.MAX_MESSAGE_LENGTH;
    /** The database's base file name in the data directory (H2 appends {@code .mv.db}). */
    static final String DB_NAME = "config";
    /** Journal size at which H2 is closed cleanly and reopened so the journal can be emptied. */
    static final long JOURNAL_SETTLE_BYTES = 16L << 20;

    private static final Logger log = LoggerFactory.getLogger(H2ConfigStore.class);
    private static final Set<Path> OPEN_DIRS = ConcurrentHashMap.newKeySet();

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS namespaces ("
                + " ns VARCHAR(200) PRIMARY KEY,"
                + " latest_rev BIGINT NOT NULL,"
                + " digest VARCHAR(64) NOT NULL)",
        "CREATE TABLE IF NOT EXISTS content ("
                + " ns VARCHAR(200) NOT NULL,"
                + " k VARCHAR(2048) NOT NULL,"
                + " v BLOB NOT NULL,"
                + " PRIMARY KEY (ns, k))",
        "CREATE TABLE IF NOT EXISTS revisions ("
                + " ns VARCHAR(200) NOT NULL,"
                + " rev BIGINT NOT NULL,"
                + " digest VARCHAR(64) NOT NULL,"
                + " author VARCHAR(" + MAX_AUTHOR_LENGTH + ") NOT NULL,"
                + " committed_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                + " message VARCHAR(" + MAX_MESSAGE_LENGTH + ") NOT NULL,"
                + " changes BLOB NOT NULL,"
                + " undo BLOB NOT NULL,"
                + " source VARCHAR(" + MAX_SOURCE_LENGTH + ") DEFAULT '' NOT NULL,"
                + " PRIMARY KEY (ns, rev))",
        "CREATE TABLE IF NOT EXISTS reports ("
                + " node_id VARCHAR(" + NodeReport.MAX_NODE_ID_LENGTH + ") NOT NULL,"
                + " ns VARCHAR(200) NOT NULL,"
                + " rev BIGINT NOT NULL,"
                + " digest VARCHAR(64) NOT NULL,"
                + " applied_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                + " seen_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                + " PRIMARY KEY (node_id, ns))",
        "CREATE TABLE IF NOT EXISTS gray_releases ("
                + " ns VARCHAR(200) NOT NULL,"
                + " rev BIGINT NOT NULL,"
                + " digest VARCHAR(64) NOT NULL,"
                + " author VARCHAR(" + MAX_AUTHOR_LENGTH + ") NOT NULL,"
                + " source VARCHAR(" + MAX_SOURCE_LENGTH + ") DEFAULT '' NOT NULL,"
                + " opened_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,"
                + " message VARCHAR(" + MAX_MESSAGE_LENGTH + ") NOT NULL,"
                + " changes BLOB NOT NULL,"
                + " selector VARCHAR(" + GrayRows.MAX_SELECTOR_LENGTH + ") NOT NULL,"
                + " nodes CLOB NOT NULL,"
                + " state VARCHAR(16) NOT NULL,"
                + " settled_by VARCHAR(" + MAX_AUTHOR_LENGTH + "),"
                + " settled_source VARCHAR(" + MAX_SOURCE_LENGTH + "),"
                + " settled_at TIMESTAMP(9) WITH TIME ZONE,"
                + " settled_message VARCHAR(" + MAX_MESSAGE_LENGTH + "),"
                + " PRIMARY KEY (ns, rev))",
    };

    /** The latest state of a namespace, as cached. */
    private record Current(Snapshot snapshot, long totalBytes) {
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final String url;
    private Connection db;
    private RevisionJournal journal;
    private final StoreLimits limits;
    private final Clock clock;
    private final Path dir;
    private final String where;
    private final Map<String, Current> cache = new HashMap<>();
    private boolean closed;

    private H2ConfigStore(String url, Connection db, StoreLimits limits, Clock clock, Path dir, String where) {
        this.url = url;
        this.db = db;
        this.limits = limits;
        this.clock = clock;
        this.dir = dir;
        this.where = where;
    }

    /**
     * Opens the store in {@code dataDir}, creating the directory and the schema when missing.
     * Reopening continues from the last committed revision.
     *
     * @throws IllegalStateException when a store is already open on that directory in this JVM
     * @throws ConfigStoreException when the directory or database cannot be opened (for instance
     *     another process holds it) or the schema is of an unknown version
     */
    @Override
    public StoreLimits limits() {
        return limits;
    }

    public static H2ConfigStore open(Path dataDir, StoreLimits limits) {
        if (dataDir == null || limits == null) {
            throw new IllegalArgumentException("dataDir and limits must not be null");
        }
        Path dir;
        try {
            Files.createDirectories(dataDir);
            dir = dataDir.toRealPath();
        } catch (IOException e) {
            throw new ConfigStoreException("cannot create data directory " + dataDir, e);
        }
        String file = dir.resolve(DB_NAME).toString();
        if (file.indexOf(';') >= 0) {
            throw new IllegalArgumentException("data directory path must not contain ';': " + dir);
        }
        if (!OPEN_DIRS.add(dir)) {
            throw new IllegalStateException("a config store is already open on " + dir + " in this JVM");
        }
        try {
            return start("jdbc:h2:file:" + file, limits, dir, file);
        } catch (RuntimeException e) {
            OPEN_DIRS.remove(dir);
            throw e;
        }
    }

    /** A store in memory only, gone on {@link #close()}; for tests and trials. */
    public static H2ConfigStore inMemory(StoreLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        String name = "config-" + UUID.randomUUID();
        return start("jdbc:h2:mem:" + name, limits, null, "memory:" + name);
    }

    private static H2ConfigStore start(String url, StoreLimits limits, Path dir, String where) {
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, "sa", "");
        } catch (SQLException e) {
            throw new ConfigStoreException("cannot open config database " + where + ": " + e.getMessage(), e);
        }
        H2ConfigStore store = new H2ConfigStore(url, connection, limits, Clock.systemUTC(), dir, where);
        try {
            connection.setAutoCommit(false);
            store.createSchema();
            if (dir != null) {
                store.openJournal();
            }
        } catch (SQLException | RuntimeException e) {
            try {
                store.db.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (store.journal != null) {
                store.journal.close();
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new ConfigStoreException("cannot prepare config database " + where, e);
        }
        log.debug("config store open at {} with {}", where, limits);
        return store;
    }

    private void createSchema() {
        transact("creating the schema", () -> {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
                List<Integer> versions = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
                    while (rs.next()) {
                        versions.add(rs.getInt(1));
                    }
                }
                if (versions.isEmpty()) {
                    s.executeUpdate("INSERT INTO schema_version (version) VALUES (" + SCHEMA_VERSION + ")");
                } else if (versions.equals(List.of(1))) {
                    migrateFromVersion1(s);
                } else if (versions.equals(List.of(2))) {
                    // Version 3 only adds gray_releases, which the CREATE TABLE below makes.
                    s.executeUpdate("UPDATE schema_version SET version = " + SCHEMA_VERSION);
                    log.info("config database {} migrated from schema version 2 to {}", where, SCHEMA_VERSION);
                } else if (!versions.equals(List.of(SCHEMA_VERSION))) {
                    throw new ConfigStoreException("config database " + where + " has schema version(s) " + versions
                            + " but this build reads only version " + SCHEMA_VERSION);
                }
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
            }
            return null;
        });
    }

    /**
     * Version 1 to 2, in the schema's transaction: the audit column {@code source} (existing rows
     * get {@code ''}: their source was never recorded) and keys of up to 1024 code points.
     */
    private void migrateFromVersion1(Statement s) throws SQLException {
        s.execute("ALTER TABLE revisions ADD COLUMN IF NOT EXISTS source VARCHAR(" + MAX_SOURCE_LENGTH
                + ") DEFAULT '' NOT NULL");
        s.execute("ALTER TABLE content ALTER COLUMN k SET DATA TYPE VARCHAR(2048)");
        // Version 3's gray_releases is made by the CREATE TABLE that follows.
        s.executeUpdate("UPDATE schema_version SET version = " + SCHEMA_VERSION);
        log.info("config database {} migrated from schema version 1 to {}", where, SCHEMA_VERSION);
    }

    // ---------------------------------------------------------------- ConfigStore

    @Override
    public Revision commit(String namespace, List<Change> changes, String author, String source, String message) {
        return locked(() -> {
            ChangeSets.checkCommit(namespace, changes, author, message);
            refuseWhileGray(namespace);
            return apply(namespace, changes, author, source(source), message);
        });
    }

    @Override
    public Revision openGray(String namespace, List<Change> changes, String author, String source, String message,
                             String selector, List<String> nodes) {
        return locked(() -> {
            ChangeSets.checkCommit(namespace, changes, author, message);
            GrayRows.check(selector, nodes);
            refuseWhileGray(namespace);
            Current main = current(namespace);
            if (main.snapshot().revision() == 0) {
                throw new IllegalArgumentException("namespace '" + namespace + "' has no revision yet; a gray release"
                        + " needs a main line to fall back to");
            }
            Planned g = plan(main, changes, author, source(source), message, clock.instant());
            GrayRelease open = new GrayRelease(g.revision(), selector, sorted(nodes), GrayRelease.State.OPEN, null);
            transact("opening a gray release of " + namespace, () -> {
                GrayRows.insert(db, open);
                return null;
            });
            return g.revision();
        });
    }

    @Override
    public Optional<GrayRelease> grayRelease(String namespace) {
        return locked(() -> openGrayRow(Namespaces.validate(namespace)));
    }

    @Override
    public List<GrayRelease> grayReleases(String namespace, long afterRevision, int limit) {
        return locked(() -> {
            Namespaces.validate(namespace);
            if (afterRevision < 0 || limit < 1) {
                throw new IllegalArgumentException("afterRevision must be >= 0 and limit >= 1");
            }
            return transact("reading the gray releases of " + namespace,
                    () -> GrayRows.list(db, namespace, afterRevision, limit));
        });
    }

    @Override
    public Revision promoteGray(String namespace, String author, String source, String message) {
        return locked(() -> {
            ChangeSets.checkAuthorAndMessage(author, message);
            GrayRelease g = openGrayRow(namespace).orElseThrow(() -> noGray(namespace));
            Revision r = g.revision();
            Planned p = plan(current(namespace), r.changes(), r.author(), r.source(), r.message(), r.time());
            checkSameAsGray(p, g);
            GrayRelease.Settled by = new GrayRelease.Settled(author, source(source), clock.instant(), message);
            persistAll(namespace, List.of(p), () -> GrayRows.settle(db, namespace, r.number(), GrayRelease.State.PROMOTED, by));
            return p.revision();
        });
    }

    @Override
    public Revision abortGray(String namespace, String author, String source, String message) {
        return locked(() -> {
            ChangeSets.checkAuthorAndMessage(author, message);
            GrayRelease g = openGrayRow(namespace).orElseThrow(() -> noGray(namespace));
            Revision r = g.revision();
            Planned gray = plan(current(namespace), r.changes(), r.author(), r.source(), r.message(), r.time());
            checkSameAsGray(gray, g);
            Instant now = clock.instant();
            Planned back = plan(gray.after(), gray.undo(), author, source(source), message, now);
            GrayRelease.Settled by = new GrayRelease.Settled(author, source(source), now, message);
            persistAll(namespace, List.of(gray, back),
                    () -> GrayRows.settle(db, namespace, r.number(), GrayRelease.State.ABORTED, by));
            return back.revision();
        });
    }

    /** The open gray release; a row whose revision the main line already holds is not open (see the class notes). */
    private Optional<GrayRelease> openGrayRow(String namespace) {
        long latest = latest(namespace);
        return transact("reading the gray release of " + namespace, () -> GrayRows.open(db, namespace))
                .filter(g -> g.number() > latest);
    }

    private void refuseWhileGray(String namespace) {
        Optional<GrayRelease> open = openGrayRow(namespace);
        if (open.isPresent()) {
            throw new GrayStateException(GrayStateException.GRAY_OPEN, "namespace '" + namespace + "' has gray release r"
                    + open.get().number() + " open; promote or abort it first");
        }
    }

    static GrayStateException noGray(String namespace) {
        return new GrayStateException(GrayStateException.NO_GRAY, "namespace '" + namespace + "' has no open gray release");
    }

    private void checkSameAsGray(Planned p, GrayRelease g) {
        if (p.revision().number() != g.number() || !p.revision().digest().equals(g.revision().digest())) {
            throw new ConfigStoreException("gray release r" + g.number() + " of namespace '" + g.namespace()
                    + "' no longer follows the main line at r" + (p.revision().number() - 1) + " in " + where);
        }
    }

    private static List<String> sorted(List<String> nodes) {
        return nodes.stream().sorted().distinct().toList();
    }

    /**
     * Settles open gray rows whose revisions the main line holds already: an abort or promote whose
     * revisions only the journal kept through an unclean stop. Two revisions whose second restores
     * the content before the first is an abort; one alone is a promote.
     */
    private void settleStaleGrayRows() {
        for (String ns : namespaces()) {
            Optional<GrayRelease> row = transact("reading the gray release of " + ns, () -> GrayRows.open(db, ns));
            long latest = latest(ns);
            if (row.isEmpty() || row.get().number() > latest) {
                continue;
            }
            long g = row.get().number();
            List<Revision> after = history(ns, g, 1);
            Optional<Snapshot> before = rebuild(ns, g - 1);
            boolean aborted = !after.isEmpty() && before.isPresent() && after.get(0).digest().equals(before.get().digest());
            Revision by = aborted ? after.get(0) : row.get().revision();
            GrayRelease.Settled settled = new GrayRelease.Settled(by.author(), by.source(), by.time(),
                    by.message() + " (settled from the journal)");
            transact("settling the gray release of " + ns, () -> {
                GrayRows.settle(db, ns, g, aborted ? GrayRelease.State.ABORTED : GrayRelease.State.PROMOTED, settled);
                return null;
            });
            log.warn("config database {}: gray release r{} of {} settled as {} from the journal", where, g, ns,
                    aborted ? "aborted" : "promoted");
        }
    }

    @Override
    public Snapshot snapshot(String namespace) {
        return locked(() -> current(Namespaces.validate(namespace)).snapshot());
    }

    @Override
    public Optional<Snapshot> snapshotAt(String namespace, long revision) {
        return locked(() -> rebuild(Namespaces.validate(namespace), revision));
    }

    @Override
    public long latestRevision(String namespace) {
        return locked(() -> latest(Namespaces.validate(namespace)));
    }

    @Override
    public List<Revision> history(String namespace, long afterRevision, int limit) {
        return locked(() -> {
            Namespaces.validate(namespace);
            if (afterRevision < 0) {
                throw new IllegalArgumentException("afterRevision must be >= 0, got " + afterRevision);
            }
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be >= 1, got " + limit);
            }
            return transact("reading the history of " + namespace, () -> {
                List<Revision> out = new ArrayList<>();
                try (PreparedStatement ps = db.prepareStatement(
                        "SELECT rev, digest, author, committed_at, message, changes, source FROM revisions"
                                + " WHERE ns = ? AND rev > ? ORDER BY rev FETCH FIRST ? ROWS ONLY")) {
                    ps.setString(1, namespace);
                    ps.setLong(2, afterRevision);
                    ps.setInt(3, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long rev = rs.getLong(1);
                            out.add(new Revision(namespace, rev, rs.getString(2), rs.getString(3),
                                    rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5),
                                    decode(rs.getBytes(6), namespace, rev, "changes"), rs.getString(7)));
                        }
                    }
                }
                return out;
            });
        });
    }

    @Override
    public long lastAbortedGray(String namespace, long upTo) {
        return locked(() -> {
            Namespaces.validate(namespace);
            return transact("reading the last aborted gray revision of " + namespace,
                    () -> GrayRows.lastAborted(db, namespace, upTo));
        });
    }

    @Override
    public long oldestRevision(String namespace) {
        return locked(() -> {
            Namespaces.validate(namespace);
            return transact("reading the oldest revision of " + namespace, () -> RevisionRows.oldest(db, namespace));
        });
    }

    @Override
    public void prune(String namespace, long keepFrom) {
        locked(() -> {
            Namespaces.validate(namespace);
            long latest = latest(namespace);
            if (keepFrom > latest + 1) {
                throw new IllegalArgumentException("cannot prune namespace '" + namespace + "' below revision " + keepFrom
                        + ": its latest revision is " + latest + ", so at most " + (latest + 1) + " is allowed");
            }
            if (keepFrom <= 1) {
                return null;
            }
            return transact("pruning " + namespace, () -> {
                int removed = RevisionRows.prune(db, namespace, keepFrom);
                log.debug("pruned {} revisions of {} below {}", removed, namespace, keepFrom);
                return null;
            });
        });
    }

    @Override
    public Revision rollback(String namespace, long toRevision, String author, String source, String message) {
        return locked(() -> {
            Namespaces.validate(namespace);
            ChangeSets.checkAuthorAndMessage(author, message);
            Snapshot target = rebuild(namespace, toRevision).orElseThrow(() -> new IllegalArgumentException(
                    "cannot roll namespace '" + namespace + "' back to revision " + toRevision
                            + ": it does not exist or was pruned"));
            refuseWhileGray(namespace);
            SortedMap<String, byte[]> now = current(namespace).snapshot().entries();
            return apply(namespace, ChangeSets.rollbackTo(namespace, now, target), author, source(source), message);
        });
    }

    @Override
    public List<String> namespaces() {
        return locked(() -> transact("listing namespaces", () -> {
            List<String> out = new ArrayList<>();
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ns FROM namespaces ORDER BY ns")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }));
    }

    @Override
    public void recordReport(NodeReport report) {
        if (report == null) {
            throw new IllegalArgumentException("report is null");
        }
        recordReports(List.of(report));
    }

    @Override
    public void recordReports(java.util.Collection<NodeReport> reports) {
        if (reports.isEmpty()) {
            return;
        }
        locked(() -> transact("recording " + reports.size() + " reports", () -> {
            List<NodeReport> all = new ArrayList<>(reports);
            for (int from = 0; from < all.size(); from += REPORT_ROWS) {
                List<NodeReport> rows = all.subList(from, Math.min(all.size(), from + REPORT_ROWS));
                StringBuilder sql = new StringBuilder(
                        "MERGE INTO reports (node_id, ns, rev, digest, applied_at, seen_at) KEY (node_id, ns) VALUES ");
                for (int i = 0; i < rows.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
                }
                try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
                    int p = 1;
                    for (NodeReport report : rows) {
                        ps.setString(p++, report.nodeId());
                        ps.setString(p++, report.namespace());
                        ps.setLong(p++, report.revision());
                        ps.setString(p++, report.digest());
                        ps.setObject(p++, utc(report.appliedAt()));
                        ps.setObject(p++, utc(report.seenAt()));
                    }
                    ps.executeUpdate();
                }
            }
            return null;
        }));
    }

    /**
     * Reports written by one statement. Each statement's end has H2 offer a task to its LOB
     * cleaner, which it refuses with an exception while one is queued: a batch of one statement
     * per report made up to one exception per report (15 % of the server's allocation at 1,000
     * agents); a statement of many rows makes one.
     */
    private static final int REPORT_ROWS = 200;

    @Override
    public List<NodeReport> reports() {
        return locked(() -> transact("reading reports", () -> {
            List<NodeReport> out = new ArrayList<>();
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT node_id, ns, rev, digest, applied_at, seen_at FROM reports"
                         + " ORDER BY node_id, ns")) {
                while (rs.next()) {
                    out.add(new NodeReport(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class).toInstant(),
                            rs.getObject(6, OffsetDateTime.class).toInstant()));
                }
            }
            return out;
        }));
    }

    @Override
    public int pruneReports() {
        return locked(() -> transact("pruning reports", () -> {
            try (Statement s = db.createStatement()) {
                return s.executeUpdate("DELETE FROM reports WHERE ns NOT IN (SELECT ns FROM namespaces)");
            }
        }));
    }

    /**
     * Closes the database; H2 writes everything out and leaves the file consistent. Idempotent.
     *
     * @throws ConfigStoreException when H2 fails to close the database cleanly
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cache.clear();
            try {
                boolean alive = alive();
                db.close();
                if (journal != null && alive) {
                    journal.reset(); // H2 closed cleanly: it holds every journaled revision
                }
            } catch (SQLException e) {
                throw new ConfigStoreException("closing config database " + where + " failed; its journal is kept", e);
            } finally {
                if (journal != null) {
                    journal.close();
                }
                if (dir != null) {
                    OPEN_DIRS.remove(dir);
                }
            }
            log.debug("config store at {} closed", where);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "H2ConfigStore[" + where + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- commit

    /** Applies a validated change set as the next revision; the lock is held. */
    /** A source address as kept: null is unknown ({@code ""}), and it is cut to the column's width. */
    private static String source(String source) {
        if (source == null) {
            return "";
        }
        return source.length() > MAX_SOURCE_LENGTH ? source.substring(0, MAX_SOURCE_LENGTH) : source;
    }

    private Revision apply(String namespace, List<Change> changes, String author, String source, String message) {
        Planned p = plan(current(namespace), changes, author, source, message, clock.instant());
        persistAll(namespace, List.of(p), null);
        return p.revision();
    }

    /** One revision computed but not yet written: its journal entry and the state after it. */
    private record Planned(RevisionJournal.Entry entry, Revision revision, List<Change> undo, Current after) {
    }

    /** The revision that {@code changes} make after {@code before}; nothing is written. */
    private Planned plan(Current before, List<Change> changes, String author, String source, String message,
                         Instant time) {
        String namespace = before.snapshot().namespace();
        ChangeSets.Applied applied = ChangeSets.apply(before.snapshot(), before.totalBytes(), changes, limits);
        List<Change> effective = applied.effective();
        long rev = before.snapshot().revision() + 1;
        Snapshot next = Snapshot.of(namespace, rev, applied.after());
        Revision revision = new Revision(namespace, rev, next.digest(), author, time, message, effective, source);
        RevisionJournal.Entry entry = new RevisionJournal.Entry(namespace, rev, next.digest(), author, time,
                message, ChangeSetCodec.encode(effective), ChangeSetCodec.encode(applied.undo()), source);
        return new Planned(entry, revision, applied.undo(), new Current(next, applied.totalBytes()));
    }

    /** Extra work done in the transaction of {@link #persistAll}. */
    @FunctionalInterface
    private interface SqlStep {
        void run() throws SQLException;
    }

    /**
     * Journals {@code plans} (consecutive revisions of one namespace), then writes them and
     * {@code extra} in one H2 transaction; a failure cuts them from the journal again.
     */
    private void persistAll(String namespace, List<Planned> plans, SqlStep extra) {
        persistGroup(plans, extra);
    }

    /**
     * Journals {@code plans} (revisions of one or more namespaces, each namespace's consecutive) with
     * one disk flush, then writes them and {@code extra} in one H2 transaction; a failure cuts them
     * from the journal again.
     */
    private void persistGroup(List<Planned> plans, SqlStep extra) {
        long journaledFrom = journal == null ? -1 : journal.appendAll(plans.stream().map(Planned::entry).toList());
        try {
            transact("committing revision " + plans.get(0).revision().number() + " of " + plans.get(0).revision().namespace()
                    + (plans.size() > 1 ? " and " + (plans.size() - 1) + " more" : ""), () -> {
                writeGroup(plans);
                if (extra != null) {
                    extra.run();
                }
                return null;
            });
        } catch (RuntimeException e) {
            for (Planned p : plans) {
                cache.remove(p.revision().namespace()); // reload from the database, whatever state it is in
            }
            if (journal != null) {
                journal.discardFrom(journaledFrom, e);
            }
            throw e;
        }
        for (Planned p : plans) {
            cache.put(p.revision().namespace(), p.after());
        }
        if (journal != null && journal.size() > JOURNAL_SETTLE_BYTES) {
            settle();
        }
    }

    /**
     * A group commit: every valid change set is worked out in memory in order, then all are
     * journaled with one disk flush and written to H2 in one transaction. A change set refused on
     * its own (invalid, over the limits, or its namespace has a gray release open) is left out.
     */
    @Override
    public List<Outcome> commitAll(List<Commit> commits) {
        return locked(() -> {
            List<Outcome> out = new ArrayList<>(commits.size());
            List<Planned> plans = new ArrayList<>();
            Map<String, Current> heads = new HashMap<>();
            for (Commit c : commits) {
                try {
                    ChangeSets.checkCommit(c.namespace(), c.changes(), c.author(), c.message());
                    Current before = heads.get(c.namespace());
                    if (before == null) {
                        refuseWhileGray(c.namespace());
                        before = current(c.namespace());
                    }
                    Planned p = plan(before, c.changes(), c.author(), source(c.source()), c.message(), clock.instant());
                    heads.put(c.namespace(), p.after());
                    plans.add(p);
                    out.add(new Outcome(p.revision(), null));
                } catch (ConfigLimitException | IllegalArgumentException | GrayStateException e) {
                    out.add(new Outcome(null, e));
                }
            }
            if (!plans.isEmpty()) {
                persistGroup(plans, null);
            }
            return out;
        });
    }

    /**
     * The rows of revisions, in the caller's transaction: per namespace, each touched key's latest
     * content once and the head once (to its last revision); the history rows in one batch.
     */
    private void writeGroup(List<Planned> group) throws SQLException {
        Map<String, List<Planned>> byNamespace = new java.util.LinkedHashMap<>();
        for (Planned p : group) {
            byNamespace.computeIfAbsent(p.revision().namespace(), k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<String, List<Planned>> e : byNamespace.entrySet()) {
            List<Planned> run = e.getValue();
            writeContent(e.getKey(), ChangeSets.lastPerKey(run.stream().map(p -> p.revision().changes()).toList()));
            RevisionJournal.Entry last = run.get(run.size() - 1).entry();
            writeHead(e.getKey(), run.get(0).entry().revision() - 1, last.revision(), last.digest());
        }
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO revisions (ns, rev, digest, author, committed_at, message, changes, undo, source)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Planned p : group) {
                RevisionJournal.Entry r = p.entry();
                ps.setString(1, r.namespace());
                ps.setLong(2, r.revision());
                ps.setString(3, r.digest());
                ps.setString(4, r.author());
                ps.setObject(5, utc(r.time()));
                ps.setString(6, r.message());
                ps.setBytes(7, r.changes());
                ps.setBytes(8, r.undo());
                ps.setString(9, r.source() == null ? "" : r.source());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Writes one revision (its content changes, head and history row) in one transaction. */
    private void persist(RevisionJournal.Entry e, List<Change> effective) {
        Revision r = new Revision(e.namespace(), e.revision(), e.digest(), e.author(), e.time(), e.message(), effective,
                e.source() == null ? "" : e.source());
        transact("committing revision " + e.revision() + " of " + e.namespace(), () -> {
            writeGroup(List.of(new Planned(e, r, null, null)));
            return null;
        });
    }

    // ---------------------------------------------------------------- journal

    /** Opens the journal, replays what H2 lacks, and empties it once H2 holds everything. */
    private void openJournal() {
        int[] replayed = {0};
        lock.lock();
        try {
            journal = RevisionJournal.open(dir, e -> {
                if (replay(e)) {
                    replayed[0]++;
                }
            });
            if (replayed[0] > 0) {
                log.info("config database {}: restored {} revision(s) from {} that the database had not written out"
                        + " before an unclean stop", where, replayed[0], RevisionJournal.FILE_NAME);
            }
            if (journal.size() > 0) {
                settle();
            }
            settleStaleGrayRows();
        } finally {
            lock.unlock();
        }
    }

    /** Stores a journaled revision if H2 lacks it; true if it did. The lock is held. */
    private boolean replay(RevisionJournal.Entry e) {
        Current before = current(e.namespace());
        long latest = before.snapshot().revision();
        if (e.revision() < latest) {
            return false;
        }
        if (e.revision() == latest) {
            if (!e.digest().equals(before.snapshot().digest())) {
                throw new ConfigStoreException("revision " + latest + " of namespace '" + e.namespace() + "' has digest "
                        + before.snapshot().digest() + " in " + where + " but " + e.digest() + " in the journal");
            }
            return false;
        }
        if (e.revision() != latest + 1) {
            throw new ConfigStoreException("the journal holds revision " + e.revision() + " of namespace '"
                    + e.namespace() + "' but " + where + " ends at revision " + latest + ": revisions in between are lost");
        }
        List<Change> changes = decode(e.changes(), e.namespace(), e.revision(), "changes");
        TreeMap<String, byte[]> after = new TreeMap<>(before.snapshot().entries());
        ChangeSets.applyTo(after, changes);
        Snapshot next = Snapshot.of(e.namespace(), e.revision(), after);
        if (!next.digest().equals(e.digest())) {
            throw new ConfigStoreException("replaying revision " + e.revision() + " of namespace '" + e.namespace()
                    + "' from the journal gave digest " + next.digest() + " but " + e.digest() + " was recorded");
        }
        try {
            persist(e, changes);
        } catch (RuntimeException failed) {
            cache.remove(e.namespace());
            throw failed;
        }
        cache.put(e.namespace(), new Current(next, next.totalBytes()));
        return true;
    }

    /**
     * Closes H2 cleanly (it writes everything and marks the file clean), reopens it and empties the
     * journal, which H2 then no longer needs. The lock is held.
     */
    private void settle() {
        if (!alive()) {
            throw new ConfigStoreException("config database " + where + " is gone; the journal is kept");
        }
        try {
            db.close();
        } catch (SQLException e) {
            throw new ConfigStoreException("closing config database " + where + " to settle the journal failed; the"
                    + " journal is kept", e);
        }
        try {
            db = DriverManager.getConnection(url, "sa", "");
            db.setAutoCommit(false);
        } catch (SQLException e) {
            closed = true;
            OPEN_DIRS.remove(dir);
            journal.close();
            throw new ConfigStoreException("reopening config database " + where + " failed; the store is closed and"
                    + " its journal kept for the next open: " + e.getMessage(), e);
        }
        journal.reset();
    }

    private void writeContent(String namespace, List<Change> effective) throws SQLException {
        try (PreparedStatement put = db.prepareStatement("MERGE INTO content (ns, k, v) KEY (ns, k) VALUES (?, ?, ?)");
             PreparedStatement del = db.prepareStatement("DELETE FROM content WHERE ns = ? AND k = ?")) {
            int puts = 0;
            int dels = 0;
            for (Change c : effective) {
                if (c.isDelete()) {
                    del.setString(1, namespace);
                    del.setString(2, c.key());
                    del.addBatch();
                    dels++;
                } else {
                    put.setString(1, namespace);
                    put.setString(2, c.key());
                    put.setBytes(3, c.value());
                    put.addBatch();
                    puts++;
                }
            }
            if (puts > 0) {
                put.executeBatch();
            }
            if (dels > 0) {
                del.executeBatch();
            }
        }
    }

    /** Moves the namespace's head from {@code rev - 1} to {@code rev}, refusing if it was elsewhere. */
    private void writeHead(String namespace, long rev, String digest) throws SQLException {
        writeHead(namespace, rev - 1, rev, digest);
    }

    /** Moves the namespace's head from {@code from} (0: none yet) to {@code rev}, refusing if it was elsewhere. */
    private void writeHead(String namespace, long from, long rev, String digest) throws SQLException {
        if (from == 0) {
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT INTO namespaces (ns, latest_rev, digest) VALUES (?, ?, ?)")) {
                ps.setString(1, namespace);
                ps.setLong(2, rev);
                ps.setString(3, digest);
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE namespaces SET latest_rev = ?, digest = ? WHERE ns = ? AND latest_rev = ?")) {
            ps.setLong(1, rev);
            ps.setString(2, digest);
            ps.setString(3, namespace);
            ps.setLong(4, from);
            if (ps.executeUpdate() != 1) {
                throw new ConfigStoreException("namespace '" + namespace + "' is no longer at revision " + from
                        + " in the database; was it changed by something else?");
            }
        }
    }

    /**
     * Whether the database behind the connection still answers; closing a connection to a database
     * that was shut down under it (or died) succeeds silently, and then proves nothing was written.
     */
    private boolean alive() {
        try {
            return db.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- reading

    /** The namespace's latest state, from the cache or loaded into it; the lock is held. */
    private Current current(String namespace) {
        Current cached = cache.get(namespace);
        if (cached != null) {
            return cached;
        }
        Current loaded = transact("loading namespace " + namespace, () -> {
            long rev;
            String digest;
            try (PreparedStatement ps = db.prepareStatement("SELECT latest_rev, digest FROM namespaces WHERE ns = ?")) {
                ps.setString(1, namespace);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    rev = rs.getLong(1);
                    digest = rs.getString(2);
                }
            }
            TreeMap<String, byte[]> entries = new TreeMap<>(Digest.KEY_ORDER);
            try (PreparedStatement ps = db.prepareStatement("SELECT k, v FROM content WHERE ns = ?")) {
                ps.setString(1, namespace);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.put(rs.getString(1), rs.getBytes(2));
                    }
                }
            }
            Snapshot snapshot = Snapshot.of(namespace, rev, entries);
            if (!snapshot.digest().equals(digest)) {
                throw new ConfigStoreException("namespace '" + namespace + "' is corrupt in " + where
                        + ": its content has digest " + snapshot.digest() + " but revision " + rev + " recorded " + digest);
            }
            return new Current(snapshot, snapshot.totalBytes());
        });
        if (loaded == null) {
            return new Current(Snapshot.empty(namespace), 0);
        }
        cache.put(namespace, loaded);
        return loaded;
    }

    private long latest(String namespace) {
        Current cached = cache.get(namespace);
        if (cached != null) {
            return cached.snapshot().revision();
        }
        return transact("reading the latest revision of " + namespace, () -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT latest_rev FROM namespaces WHERE ns = ?")) {
                ps.setString(1, namespace);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /**
     * The content right after {@code revision}: the latest content with the undo sets of every
     * later revision applied (see {@link RevisionRows#rebuild}).
     */
    private Optional<Snapshot> rebuild(String namespace, long revision) {
        Current now = current(namespace);
        if (revision < 1 || revision > now.snapshot().revision()) {
            return Optional.empty();
        }
        return transact("rebuilding revision " + revision + " of " + namespace,
                () -> RevisionRows.rebuild(db, now.snapshot(), revision));
    }

    // ---------------------------------------------------------------- plumbing

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("config store " + where + " is closed");
            }
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} and commits, or rolls back on any failure; the lock is held. */
    private <T> T transact(String what, SqlWork<T> work) {
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            rollback(e);
            throw new ConfigStoreException(what + " failed in " + where + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            rollback(e);
            throw e;
        }
    }

    private void rollback(Throwable cause) {
        try {
            db.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static List<Change> decode(byte[] blob, String namespace, long rev, String column) {
        return ChangeSets.decode(blob, namespace, rev, column);
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
