package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.Namespaces;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ConfigStore} in a PostgreSQL database, which several servers may share. The schema is
 * created and migrated by Flyway from {@code db/postgresql} on the class path when the store
 * opens; a database migrated by a newer build (a migration this build does not know) is refused.
 *
 * <h2>Schema</h2>
 * The tables of {@link H2ConfigStore} in PostgreSQL's types (see {@code V1__config_store.sql}):
 * {@code namespaces} (the head: latest revision, its digest, the content's size), {@code content},
 * {@code revisions} (with change and undo sets in {@link ChangeSetCodec}'s form) and
 * {@code reports}. Times are {@code timestamptz}, which holds microseconds: a revision's time is
 * taken to the microsecond, and finer report times are truncated.
 *
 * <h2>Concurrency and durability</h2>
 * Every operation is one transaction on a connection from a small pool. A commit (or rollback)
 * first locks its namespace's head row ({@code SELECT ... FOR UPDATE}; a namespace's first commit
 * inserts it), so writers to one namespace, in this process or in other servers on the same
 * database, take turns: the next number is the locked head's plus one, and the digest is computed
 * over the content as of the locked head. The latest content read so far is cached per namespace
 * together with its revision; the cache is used only when its revision is the head's, caught up
 * from the change sets of the revisions it missed when they are few, and reloaded otherwise.
 * Reads that need several statements run in REPEATABLE READ, so they see one revision. A commit is
 * acknowledged once PostgreSQL has committed it, which with the default
 * {@code synchronous_commit = on} means it is on disk.
 *
 * <h2>Replicas</h2>
 * Each commit also sends, in its transaction, a NOTIFY on {@link PgRevisionFeed#CHANNEL} with the
 * namespace and revision; {@link #follow} starts a {@link PgRevisionFeed} that listens for them (and
 * reads every head periodically), so a server learns of the revisions other servers commit. The
 * cache above is checked against the head on every read, so another server's commits never make
 * it serve old content.
 *
 * <p>The connections and transactions are {@link PgConnections}'; the schema is {@link PgSchema}'s.
 */
public final class PgConfigStore implements ConfigStore {
    /** Connections a store opens at most, by default. */
    public static final int DEFAULT_POOL_SIZE = 4;
    /** Where Flyway finds the migrations. */
    static final String MIGRATIONS = "classpath:db/postgresql";
    /** The most missed revisions a cached content is caught up over; beyond, it is reloaded. */
    static final int CATCH_UP_LIMIT = 256;

    private static final Logger log = LoggerFactory.getLogger(PgConfigStore.class);

    /** The latest state of a namespace, as cached. */
    private record Current(Snapshot snapshot, long totalBytes) {
    }

    /** A namespace's row in {@code namespaces}. */
    private record Head(long revision, String digest, long totalBytes) {
        static final Head NONE = new Head(0, Digest.EMPTY, 0);
    }

    /** A commit's result, with the content it leaves for the cache. */
    private record Committed(Revision revision, Current current) {
    }


    private final PGSimpleDataSource source;
    private final StoreLimits limits;
    private final Clock clock;
    private final String where;
    private final PgConnections pool;
    private final ConcurrentHashMap<String, Current> cache = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PgConfigStore(PGSimpleDataSource source, StoreLimits limits, int poolSize, String where) {
        this.source = source;
        this.limits = limits;
        this.clock = Clock.systemUTC();
        this.where = where;
        this.pool = new PgConnections(source, poolSize, where);
    }

    /** {@link #open(String, String, String, StoreLimits, int)} with {@link #DEFAULT_POOL_SIZE} connections. */
    public static PgConfigStore open(String jdbcUrl, String user, String password, StoreLimits limits) {
        return open(jdbcUrl, user, password, limits, DEFAULT_POOL_SIZE);
    }

    /**
     * Connects to the database at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/database}),
     * creates or migrates the schema, and returns the store. The database must exist.
     *
     * @param user the role, or null for the URL's or the driver's default
     * @param password the role's password, or null when the server asks for none
     * @param poolSize the most connections the store holds at once, at least 1
     * @throws IllegalArgumentException for a URL that is not a PostgreSQL JDBC URL, null limits or
     *     a pool size below 1
     * @throws ConfigStoreException when the database cannot be reached, refuses the login, or its
     *     schema cannot be migrated (for instance it was migrated by a newer build); the message is
     *     one line
     */
    public static PgConfigStore open(String jdbcUrl, String user, String password, StoreLimits limits, int poolSize) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): "
                    + (jdbcUrl == null ? "null" : withoutParameters(jdbcUrl)));
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, got " + poolSize);
        }
        String where = withoutParameters(jdbcUrl);
        PGSimpleDataSource source = new PGSimpleDataSource();
        try {
            source.setURL(jdbcUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid PostgreSQL JDBC URL: " + where, e);
        }
        if (user != null) {
            source.setUser(user);
        }
        if (password != null) {
            source.setPassword(password);
        }
        if (source.getApplicationName() == null || source.getApplicationName().startsWith("PostgreSQL JDBC")) {
            source.setApplicationName("config-center");
        }
        PgConfigStore store = new PgConfigStore(source, limits, poolSize, where);
        // one connection first: its error says plainly what is wrong (refused, login, no database)
        Connection first;
        try {
            first = store.pool.connect();
        } catch (SQLException e) {
            throw new ConfigStoreException("cannot connect to PostgreSQL at " + where + ": " + oneLine(e.getMessage()), e);
        }
        try {
            PgSchema.migrate(source, where);
        } catch (RuntimeException e) {
            PgConnections.closeQuietly(first);
            throw e;
        }
        store.pool.offer(first);
        log.debug("config store open at {} with {}", where, limits);
        return store;
    }

    @Override
    public StoreLimits limits() {
        return limits;
    }

    // ---------------------------------------------------------------- ConfigStore

    @Override
    public Revision commit(String namespace, List<Change> changes, String author, String source, String message) {
        ensureOpen();
        ChangeSets.checkCommit(namespace, changes, author, message);
        Committed done = pool.transact("committing to " + namespace, false, c -> {
            Head head = lockHead(c, namespace, true);
            refuseWhileGray(c, namespace);
            return apply(c, namespace, head, current(c, namespace, head), changes, author, source, message);
        });
        remember(done.current());
        return done.revision();
    }

    /**
     * A group commit: the change sets in one transaction, so PostgreSQL flushes its WAL once for all
     * of them. Each namespace's head row is locked once, at its first change set; one that is
     * invalid, over the limits, or whose namespace has a gray release open is refused before it
     * writes anything, and the others go on.
     */
    @Override
    public List<Outcome> commitAll(List<Commit> commits) {
        ensureOpen();
        List<RuntimeException> invalid = new ArrayList<>(commits.size());
        for (Commit c : commits) {
            RuntimeException refused = null;
            try {
                ChangeSets.checkCommit(c.namespace(), c.changes(), c.author(), c.message());
            } catch (IllegalArgumentException e) {
                refused = e;
            }
            invalid.add(refused);
        }
        List<Object> done = pool.transact("committing " + commits.size() + " change sets", false, conn -> {
            List<Object> results = new ArrayList<>(commits.size());  // Committed, or the refusal
            // Per namespace, in order of first appearance: the head locked (null: gray open), and the rows after it.
            java.util.Map<String, Head> locked = new java.util.LinkedHashMap<>();
            java.util.Map<String, List<Row>> rows = new java.util.HashMap<>();
            java.util.Map<String, GrayStateException> gray = new java.util.HashMap<>();
            Instant time = clock.instant().truncatedTo(ChronoUnit.MICROS);  // what timestamptz keeps
            for (int i = 0; i < commits.size(); i++) {
                Commit c = commits.get(i);
                if (invalid.get(i) != null) {
                    results.add(invalid.get(i));
                    continue;
                }
                if (!locked.containsKey(c.namespace())) {
                    locked.put(c.namespace(), lockHead(conn, c.namespace(), true));
                    try {
                        refuseWhileGray(conn, c.namespace());
                    } catch (GrayStateException e) {
                        gray.put(c.namespace(), e);
                    }
                }
                if (gray.containsKey(c.namespace())) {
                    results.add(gray.get(c.namespace()));
                    continue;
                }
                Head head = locked.get(c.namespace());
                List<Row> after = rows.computeIfAbsent(c.namespace(), k -> new ArrayList<>());
                Current before = after.isEmpty() ? current(conn, c.namespace(), head) : after.get(after.size() - 1).committed().current();
                long revision = after.isEmpty() ? head.revision() : after.get(after.size() - 1).committed().revision().number();
                try {
                    Row row = next(c.namespace(), revision, before, c.changes(), c.author(), c.source(), c.message(), time);
                    after.add(row);
                    results.add(row.committed());
                } catch (ConfigLimitException e) {
                    results.add(e);  // refused; nothing of it is written
                }
            }
            for (java.util.Map.Entry<String, Head> e : locked.entrySet()) {
                List<Row> written = rows.get(e.getKey());
                if (written != null && !written.isEmpty()) {
                    writeRows(conn, e.getKey(), e.getValue().revision(), written);
                }
            }
            return results;
        });
        List<Outcome> out = new ArrayList<>(done.size());
        for (Object o : done) {
            if (o instanceof Committed c) {
                remember(c.current());
                out.add(new Outcome(c.revision(), null));
            } else {
                out.add(new Outcome(null, (RuntimeException) o));
            }
        }
        return out;
    }

    @Override
    public Revision openGray(String namespace, List<Change> changes, String author, String source, String message,
                             String selector, List<String> nodes) {
        ensureOpen();
        ChangeSets.checkCommit(namespace, changes, author, message);
        GrayRows.check(selector, nodes);
        return pool.transact("opening a gray release of " + namespace, false, c -> {
            Head head = lockHead(c, namespace, false);
            if (head.revision() == 0) {
                throw new IllegalArgumentException("namespace '" + namespace + "' has no revision yet; a gray release"
                        + " needs a main line to fall back to");
            }
            refuseWhileGray(c, namespace);
            Current main = current(c, namespace, head);
            ChangeSets.Applied applied = ChangeSets.apply(main.snapshot(), main.totalBytes(), changes, limits);
            Snapshot gray = Snapshot.of(namespace, head.revision() + 1, applied.after());
            Revision r = new Revision(namespace, gray.revision(), gray.digest(), author,
                    clock.instant().truncatedTo(ChronoUnit.MICROS), message, applied.effective(), cut(source));
            GrayRows.insert(c, new GrayRelease(r, selector, nodes.stream().sorted().distinct().toList(),
                    GrayRelease.State.OPEN, null));
            return r;
        });
    }

    @Override
    public Optional<GrayRelease> grayRelease(String namespace) {
        ensureOpen();
        Namespaces.validate(namespace);
        return pool.read("reading the gray release of " + namespace, c -> GrayRows.open(c, namespace));
    }

    @Override
    public List<GrayRelease> grayReleases(String namespace, long afterRevision, int limit) {
        ensureOpen();
        Namespaces.validate(namespace);
        if (afterRevision < 0 || limit < 1) {
            throw new IllegalArgumentException("afterRevision must be >= 0 and limit >= 1");
        }
        return pool.read("reading the gray releases of " + namespace,
                c -> GrayRows.list(c, namespace, afterRevision, limit));
    }

    @Override
    public Revision promoteGray(String namespace, String author, String source, String message) {
        return settleGray(namespace, author, source, message, GrayRelease.State.PROMOTED);
    }

    @Override
    public Revision abortGray(String namespace, String author, String source, String message) {
        return settleGray(namespace, author, source, message, GrayRelease.State.ABORTED);
    }

    /**
     * Promote or abort, in one transaction under the head's lock: the gray revision is committed
     * with its own author and time, an abort adds the revision back to the main line's content,
     * and the row is settled; every server's feed hears of the revisions only once all is done.
     */
    private Revision settleGray(String namespace, String author, String source, String message, GrayRelease.State to) {
        ensureOpen();
        Namespaces.validate(namespace);
        ChangeSets.checkAuthorAndMessage(author, message);
        Committed done = pool.transact("settling the gray release of " + namespace, false, c -> {
            Head head = lockHead(c, namespace, false);
            GrayRelease g = GrayRows.open(c, namespace).orElseThrow(() -> H2ConfigStore.noGray(namespace));
            Revision r = g.revision();
            Current main = current(c, namespace, head);
            Committed gray = apply(c, namespace, head, main, r.changes(), r.author(), r.source(), r.message(), r.time());
            if (gray.revision().number() != r.number() || !gray.revision().digest().equals(r.digest())) {
                throw new ConfigStoreException("gray release r" + r.number() + " of namespace '" + namespace
                        + "' no longer follows the main line at r" + head.revision() + " in " + where);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            Committed last = gray;
            if (to == GrayRelease.State.ABORTED) {
                Head grayHead = new Head(gray.revision().number(), gray.revision().digest(), gray.current().totalBytes());
                List<Change> back = ChangeSets.rollbackTo(namespace, gray.current().snapshot().entries(),
                        main.snapshot());
                last = apply(c, namespace, grayHead, gray.current(), back, author, source, message, now);
            }
            GrayRows.settle(c, namespace, r.number(), to, new GrayRelease.Settled(author, cut(source), now, message));
            return last;
        });
        remember(done.current());
        return done.revision();
    }

    private void refuseWhileGray(Connection c, String namespace) throws SQLException {
        Optional<GrayRelease> open = GrayRows.open(c, namespace);
        if (open.isPresent()) {
            throw new GrayStateException(GrayStateException.GRAY_OPEN, "namespace '" + namespace + "' has gray release r"
                    + open.get().number() + " open; promote or abort it first");
        }
    }

    private static String cut(String source) {
        return source == null ? "" : source.length() > 300 ? source.substring(0, 300) : source;
    }

    @Override
    public Snapshot snapshot(String namespace) {
        ensureOpen();
        Namespaces.validate(namespace);
        return pool.transact("reading namespace " + namespace, true,
                c -> current(c, namespace, readHead(c, namespace)).snapshot());
    }

    @Override
    public Optional<Snapshot> snapshotAt(String namespace, long revision) {
        ensureOpen();
        Namespaces.validate(namespace);
        return pool.transact("rebuilding revision " + revision + " of " + namespace, true, c -> {
            Head head = readHead(c, namespace);
            if (revision < 1 || revision > head.revision()) {
                return Optional.empty();
            }
            return RevisionRows.rebuild(c, current(c, namespace, head).snapshot(), revision);
        });
    }

    @Override
    public long latestRevision(String namespace) {
        ensureOpen();
        Namespaces.validate(namespace);
        return pool.read("reading the latest revision of " + namespace, c -> readHead(c, namespace).revision());
    }

    @Override
    public List<Revision> history(String namespace, long afterRevision, int limit) {
        ensureOpen();
        Namespaces.validate(namespace);
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must be >= 0, got " + afterRevision);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        return pool.read("reading the history of " + namespace, c -> {
            List<Revision> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT rev, digest, author, committed_at, message, changes, source FROM revisions"
                            + " WHERE ns = ? AND rev > ? ORDER BY rev LIMIT ?")) {
                ps.setString(1, namespace);
                ps.setLong(2, afterRevision);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long rev = rs.getLong(1);
                        out.add(new Revision(namespace, rev, rs.getString(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5),
                                ChangeSets.decode(rs.getBytes(6), namespace, rev, "changes"), rs.getString(7)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * One statement, one round trip: the head row (latest revision and its digest), the oldest
     * kept revision, and the two gray-release checks.
     */
    @Override
    public SyncFacts syncFacts(String namespace) {
        ensureOpen();
        Namespaces.validate(namespace);
        return pool.read("reading what a sync of " + namespace + " needs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT n.latest_rev, n.digest,"
                    + " (SELECT MIN(r.rev) FROM revisions r WHERE r.ns = n.ns),"
                    + " EXISTS (SELECT 1 FROM gray_releases g WHERE g.ns = n.ns AND g.state = 'open'),"
                    + " (SELECT MAX(g.rev) FROM gray_releases g WHERE g.ns = n.ns AND g.state = 'aborted'"
                    + " AND g.rev <= n.latest_rev)"
                    + " FROM namespaces n WHERE n.ns = ?")) {
                ps.setString(1, namespace);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new SyncFacts(0, null, 0, false, 0);
                    }
                    // MIN and MAX of no rows are NULL, read as 0: no change set kept, nothing aborted.
                    return new SyncFacts(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4), rs.getLong(5));
                }
            }
        });
    }

    @Override
    public long lastAbortedGray(String namespace, long upTo) {
        ensureOpen();
        Namespaces.validate(namespace);
        return pool.read("reading the last aborted gray revision of " + namespace, c -> GrayRows.lastAborted(c, namespace, upTo));
    }

    @Override
    public long oldestRevision(String namespace) {
        ensureOpen();
        Namespaces.validate(namespace);
        return pool.read("reading the oldest revision of " + namespace, c -> RevisionRows.oldest(c, namespace));
    }

    @Override
    public void prune(String namespace, long keepFrom) {
        ensureOpen();
        Namespaces.validate(namespace);
        pool.transact("pruning " + namespace, false, c -> {
            long latest = lockHead(c, namespace, false).revision();
            if (keepFrom > latest + 1) {
                throw new IllegalArgumentException("cannot prune namespace '" + namespace + "' below revision " + keepFrom
                        + ": its latest revision is " + latest + ", so at most " + (latest + 1) + " is allowed");
            }
            if (keepFrom <= 1) {
                return null;
            }
            int removed = RevisionRows.prune(c, namespace, keepFrom);
            log.debug("pruned {} revisions of {} below {}", removed, namespace, keepFrom);
            return null;
        });
    }

    @Override
    public Revision rollback(String namespace, long toRevision, String author, String source, String message) {
        ensureOpen();
        Namespaces.validate(namespace);
        ChangeSets.checkAuthorAndMessage(author, message);
        Committed done = pool.transact("rolling back " + namespace, false, c -> {
            Head head = lockHead(c, namespace, false);
            refuseWhileGray(c, namespace);
            Current now = current(c, namespace, head);
            Optional<Snapshot> target = toRevision < 1 || toRevision > head.revision() ? Optional.empty()
                    : RevisionRows.rebuild(c, now.snapshot(), toRevision);
            if (target.isEmpty()) {
                throw new IllegalArgumentException("cannot roll namespace '" + namespace + "' back to revision "
                        + toRevision + ": it does not exist or was pruned");
            }
            List<Change> changes = ChangeSets.rollbackTo(namespace, now.snapshot().entries(), target.get());
            return apply(c, namespace, head, now, changes, author, source, message);
        });
        remember(done.current());
        return done.revision();
    }

    @Override
    public List<String> namespaces() {
        ensureOpen();
        return pool.read("listing namespaces", c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ns FROM namespaces WHERE latest_rev > 0 ORDER BY ns COLLATE \"C\"")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public void recordReport(NodeReport report) {
        if (report == null) {
            throw new IllegalArgumentException("report is null");
        }
        recordReports(List.of(report));
    }

    /**
     * One transaction, in (node, namespace) order so that two replicas saving reports of the same
     * nodes take the rows' locks in one order; committed without waiting for the WAL flush
     * ({@code synchronous_commit off}: a crash can lose the last moment of reports, which every
     * node sends again within its report interval, never a revision).
     */
    @Override
    public void recordReports(java.util.Collection<NodeReport> reports) {
        if (reports.isEmpty()) {
            return;
        }
        List<NodeReport> sorted = new ArrayList<>(reports);
        sorted.sort(java.util.Comparator.comparing(NodeReport::nodeId).thenComparing(NodeReport::namespace));
        ensureOpen();
        pool.transact("recording " + sorted.size() + " reports", false, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO reports (node_id, ns, rev, digest, applied_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (node_id, ns) DO UPDATE SET rev = EXCLUDED.rev, digest = EXCLUDED.digest,"
                            + " applied_at = EXCLUDED.applied_at, seen_at = EXCLUDED.seen_at")) {
                for (NodeReport report : sorted) {
                    ps.setString(1, report.nodeId());
                    ps.setString(2, report.namespace());
                    ps.setLong(3, report.revision());
                    ps.setString(4, report.digest());
                    ps.setObject(5, utc(report.appliedAt()));
                    ps.setObject(6, utc(report.seenAt()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<NodeReport> reports() {
        ensureOpen();
        List<NodeReport> out = pool.transact("reading reports", false, c -> {
            List<NodeReport> read = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT node_id, ns, rev, digest, applied_at, seen_at FROM reports")) {
                while (rs.next()) {
                    read.add(new NodeReport(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class).toInstant(),
                            rs.getObject(6, OffsetDateTime.class).toInstant()));
                }
            }
            return read;
        });
        // sorted here, in Java's string order, rather than in a collation of the database's
        out.sort(Comparator.comparing(NodeReport::nodeId).thenComparing(NodeReport::namespace));
        return out;
    }

    @Override
    public int pruneReports() {
        ensureOpen();
        return pool.transact("pruning reports", false, c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("DELETE FROM reports WHERE ns NOT IN (SELECT ns FROM namespaces WHERE latest_rev > 0)");
            }
        });
    }

    /**
     * Closes the idle connections now and the others as their operations end; the database is
     * consistent after every commit, so nothing needs writing out. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cache.clear();
        pool.close();
        log.debug("config store at {} closed", where);
    }

    /** How often a feed reads every head, for the notifications it may have lost. */
    public static final Duration CATCH_UP_EVERY = Duration.ofSeconds(1);

    /**
     * A {@link PgRevisionFeed}: LISTEN on a connection of its own (outside the pool) for the
     * NOTIFY that every commit sends, plus a read of every head at each (re)connect and every
     * {@link #CATCH_UP_EVERY}, so a revision that another server committed is never missed.
     */
    @Override
    public RevisionFeed follow(RevisionFeed.Listener listener) {
        return follow(listener, CATCH_UP_EVERY);
    }

    /** {@link #follow(RevisionFeed.Listener)} reading the heads every {@code catchUpEvery}. */
    PgRevisionFeed follow(RevisionFeed.Listener listener, Duration catchUpEvery) {
        ensureOpen();
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        return new PgRevisionFeed(source::getConnection, listener, catchUpEvery, where);
    }

    /** The {@code synchronous_commit} of the store's sessions; for tests. */
    String synchronousCommit() {
        ensureOpen();
        return pool.transact("reading synchronous_commit", false, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    @Override
    public String toString() {
        return "PgConfigStore[" + where + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- commit

    /**
     * The namespace's head, locked until the transaction ends. With {@code create}, a namespace
     * never committed to gets a head at revision 0, which the caller's commit moves to 1 (and which
     * a rolled-back transaction takes away again); without, such a namespace is {@link Head#NONE}.
     */
    private Head lockHead(Connection c, String namespace, boolean create) throws SQLException {
        Head head = selectHead(c, namespace, true);
        if (head != null || !create) {
            return head == null ? Head.NONE : head;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO namespaces (ns, latest_rev, digest, total_bytes)"
                + " VALUES (?, 0, ?, 0) ON CONFLICT (ns) DO NOTHING")) {
            ps.setString(1, namespace);
            ps.setString(2, Digest.EMPTY);
            ps.executeUpdate();
        }
        head = selectHead(c, namespace, true);
        if (head == null) {
            throw new ConfigStoreException("the head of namespace '" + namespace + "' vanished from " + where);
        }
        return head;
    }

    private Head readHead(Connection c, String namespace) throws SQLException {
        Head head = selectHead(c, namespace, false);
        return head == null ? Head.NONE : head;
    }

    private static Head selectHead(Connection c, String namespace, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT latest_rev, digest, total_bytes FROM namespaces WHERE ns = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Head(rs.getLong(1), rs.getString(2), rs.getLong(3)) : null;
            }
        }
    }

    /** Writes the next revision after the locked {@code head}, whose content is {@code before}. */
    private Committed apply(Connection c, String namespace, Head head, Current before, List<Change> changes,
                            String author, String rawSource, String message) throws SQLException {
        // truncated to what timestamptz keeps
        return apply(c, namespace, head, before, changes, author, rawSource, message,
                clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    /** {@link #apply(Connection, String, Head, Current, List, String, String, String)} at a given time. */
    private Committed apply(Connection c, String namespace, Head head, Current before, List<Change> changes,
                            String author, String rawSource, String message, Instant time) throws SQLException {
        Row row = next(namespace, head.revision(), before, changes, author, rawSource, message, time);
        writeRows(c, namespace, head.revision(), List.of(row));
        return row.committed();
    }

    /** A revision worked out in memory, to be written by {@link #writeRows}. */
    private record Row(Committed committed, List<Change> effective, byte[] changes, byte[] undo, long totalBytes) {
    }

    /** The revision after {@code revision}, whose content is {@code before}, in memory. */
    private Row next(String namespace, long revision, Current before, List<Change> changes, String author,
                     String rawSource, String message, Instant time) {
        String source = cut(rawSource);
        ChangeSets.Applied applied = ChangeSets.apply(before.snapshot(), before.totalBytes(), changes, limits);
        long rev = revision + 1;
        Snapshot next = Snapshot.of(namespace, rev, applied.after());
        Revision r = new Revision(namespace, rev, next.digest(), author, time, message, applied.effective(), source);
        return new Row(new Committed(r, new Current(next, applied.totalBytes())), applied.effective(),
                ChangeSetCodec.encode(applied.effective()), ChangeSetCodec.encode(applied.undo()), applied.totalBytes());
    }

    /**
     * Writes consecutive revisions of one namespace after its locked head {@code from}: each key
     * they touch once with its latest content, their history rows in one batch, the head once (to
     * the last), and one NOTIFY naming the last (a listening server publishes every revision up to
     * the one named).
     */
    private void writeRows(Connection c, String namespace, long from, List<Row> rows) throws SQLException {
        writeContent(c, namespace, ChangeSets.lastPerKey(rows.stream().map(Row::effective).toList()));
        Row last = rows.get(rows.size() - 1);
        Revision head = last.committed().revision();
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE namespaces SET latest_rev = ?, digest = ?, total_bytes = ? WHERE ns = ? AND latest_rev = ?")) {
            ps.setLong(1, head.number());
            ps.setString(2, head.digest());
            ps.setLong(3, last.totalBytes());
            ps.setString(4, namespace);
            ps.setLong(5, from);
            if (ps.executeUpdate() != 1) {
                throw new ConfigStoreException("namespace '" + namespace + "' moved from revision " + from
                        + " under a lock in " + where);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO revisions (ns, rev, digest, author, committed_at, message, changes, undo, source)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Row row : rows) {
                Revision r = row.committed().revision();
                ps.setString(1, namespace);
                ps.setLong(2, r.number());
                ps.setString(3, r.digest());
                ps.setString(4, r.author());
                ps.setObject(5, utc(r.time()));
                ps.setString(6, r.message());
                ps.setBytes(7, row.changes());
                ps.setBytes(8, row.undo());
                ps.setString(9, r.source());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // Delivered to every listening server when (and only if) this transaction commits.
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, PgRevisionFeed.CHANNEL);
            ps.setString(2, head.number() + " " + namespace);
            ps.execute();
        }
    }

    private static void writeContent(Connection c, String namespace, List<Change> effective) throws SQLException {
        try (PreparedStatement put = c.prepareStatement("INSERT INTO content (ns, k, v) VALUES (?, ?, ?)"
                + " ON CONFLICT (ns, k) DO UPDATE SET v = EXCLUDED.v");
             PreparedStatement del = c.prepareStatement("DELETE FROM content WHERE ns = ? AND k = ?")) {
            int puts = 0;
            int dels = 0;
            for (Change ch : effective) {
                PreparedStatement ps = ch.isDelete() ? del : put;
                ps.setString(1, namespace);
                ps.setString(2, ch.key());
                if (ch.isDelete()) {
                    dels++;
                } else {
                    ps.setBytes(3, ch.value());
                    puts++;
                }
                ps.addBatch();
            }
            if (puts > 0) {
                put.executeBatch();
            }
            if (dels > 0) {
                del.executeBatch();
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * The content at {@code head}, read in the caller's transaction: the cache when it is at that
     * revision, else the cache caught up over the change sets it missed, else the content table.
     * Whatever is read is checked against the head's digest.
     */
    private Current current(Connection c, String namespace, Head head) throws SQLException {
        if (head.revision() == 0) {
            return new Current(Snapshot.empty(namespace), 0);
        }
        Current cached = cache.get(namespace);
        if (cached != null && cached.snapshot().revision() == head.revision()
                && cached.snapshot().digest().equals(head.digest())) {
            return cached;
        }
        Current loaded = null;
        if (cached != null && cached.snapshot().revision() < head.revision()
                && head.revision() - cached.snapshot().revision() <= CATCH_UP_LIMIT) {
            loaded = catchUp(c, namespace, cached.snapshot(), head);
        }
        if (loaded == null) {
            loaded = load(c, namespace, head);
        }
        remember(loaded);
        return loaded;
    }

    /** {@code from} with the change sets up to {@code head} applied; null when they are not all kept. */
    private Current catchUp(Connection c, String namespace, Snapshot from, Head head) throws SQLException {
        TreeMap<String, byte[]> entries = new TreeMap<>(from.entries());
        long expected = from.revision() + 1;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rev, changes FROM revisions WHERE ns = ? AND rev > ? AND rev <= ? ORDER BY rev")) {
            ps.setString(1, namespace);
            ps.setLong(2, from.revision());
            ps.setLong(3, head.revision());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rev = rs.getLong(1);
                    if (rev != expected) {
                        return null;
                    }
                    expected++;
                    ChangeSets.applyTo(entries, ChangeSets.decode(rs.getBytes(2), namespace, rev, "changes"));
                }
            }
        }
        if (expected != head.revision() + 1) {
            return null;
        }
        Snapshot snapshot = Snapshot.of(namespace, head.revision(), entries);
        return snapshot.digest().equals(head.digest()) ? new Current(snapshot, head.totalBytes()) : null;
    }

    private Current load(Connection c, String namespace, Head head) throws SQLException {
        TreeMap<String, byte[]> entries = new TreeMap<>(Digest.KEY_ORDER);
        try (PreparedStatement ps = c.prepareStatement("SELECT k, v FROM content WHERE ns = ?")) {
            ps.setString(1, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.put(rs.getString(1), rs.getBytes(2));
                }
            }
        }
        Snapshot snapshot = Snapshot.of(namespace, head.revision(), entries);
        if (!snapshot.digest().equals(head.digest())) {
            throw new ConfigStoreException("namespace '" + namespace + "' is corrupt in " + where + ": its content has digest "
                    + snapshot.digest() + " but revision " + head.revision() + " recorded " + head.digest());
        }
        return new Current(snapshot, snapshot.totalBytes());
    }

    /** Caches {@code current} unless the cache already holds a later revision. */
    private void remember(Current current) {
        if (closed) {
            return;
        }
        cache.merge(current.snapshot().namespace(), current,
                (old, now) -> now.snapshot().revision() >= old.snapshot().revision() ? now : old);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("config store " + where + " is closed");
        }
    }

    /** The URL without its parameters, which may hold a password. */
    private static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /**
     * A driver's or Flyway's message on one line: Flyway's run over several, with rulers of dashes.
     * At most 400 characters.
     */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "no detail given";
        }
        StringBuilder out = new StringBuilder();
        for (String line : message.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || t.chars().allMatch(ch -> ch == '-')) {
                continue;
            }
            if (out.length() > 0) {
                out.append(out.charAt(out.length() - 1) == ':' || out.charAt(out.length() - 1) == '.' ? " " : "; ");
            }
            out.append(t.replaceAll("\\s+", " "));
        }
        return out.length() <= 400 ? out.toString() : out.substring(0, 397) + "...";
    }

    /** {@code t} for a timestamptz, truncated to its microseconds here (PostgreSQL would round them). */
    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
