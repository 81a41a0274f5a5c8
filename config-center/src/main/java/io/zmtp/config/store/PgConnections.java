package io.zmtp.config.store;

import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The connections of a {@link PgConfigStore}: at most {@code poolSize} at once, kept open between
 * operations, each operation one transaction ({@link #transact}) that is committed, or rolled back
 * on any failure; serialization failures and deadlocks are retried. A connection that failed is
 * closed rather than reused.
 */
final class PgConnections {
    /** How often a transaction that PostgreSQL aborted for a serialization failure or deadlock is run. */
    private static final int ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(PgConnections.class);

    /** One transaction's work. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final PGSimpleDataSource source;
    private final String where;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    PgConnections(PGSimpleDataSource source, int poolSize, String where) {
        this.source = source;
        this.where = where;
        this.permits = new Semaphore(poolSize);
    }

    /** Takes {@code c}, made by {@link #connect}, into the pool. */
    void offer(Connection c) {
        idle.add(c);
    }

    /** Closes the idle connections now and the others as their operations end. Idempotent. */
    void close() {
        closed = true;
        drainIdle();
    }

    private void drainIdle() {
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("config store " + where + " is closed");
        }
    }

    /**
     * A new connection, in manual-commit mode. A commit is acknowledged as durable, so a session
     * whose {@code synchronous_commit} is {@code off} (set for the role or database) gets it
     * {@code on}; the other values (local, remote_write, on, remote_apply) all wait for the local
     * disk and are kept.
     */
    Connection connect() throws SQLException {
        Connection c = source.getConnection();
        try {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                if (rs.next() && "off".equals(rs.getString(1))) {
                    s.execute("SET synchronous_commit = on");
                }
            }
            c.setAutoCommit(false);
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /**
     * Runs {@code work} in one transaction on a pooled connection and commits; rolls back on any
     * failure. A serialization failure or deadlock is retried. With {@code repeatableRead} every
     * statement sees the same snapshot of the database.
     */
    <T> T transact(String what, boolean repeatableRead, SqlWork<T> work) {
        return run(what, repeatableRead ? Mode.REPEATABLE_READ : Mode.TRANSACTION, work);
    }

    /**
     * Runs {@code work}, which must be one SELECT, on a pooled connection in autocommit mode: the
     * statement is a transaction of its own, and no COMMIT round trip follows it. A SYNC asks
     * several such questions; a server answering the agents that failed over to it spent about a
     * third of its time in the database on the COMMITs of those reads. Work of more than one
     * statement needs {@link #transact}, whose statements see one consistent database.
     */
    <T> T read(String what, SqlWork<T> work) {
        return run(what, Mode.SINGLE_READ, work);
    }

    /** How {@link #run} wraps the work. */
    private enum Mode { TRANSACTION, REPEATABLE_READ, SINGLE_READ }

    private <T> T run(String what, Mode mode, SqlWork<T> work) {
        permits.acquireUninterruptibly();
        try {
            for (int attempt = 1; ; attempt++) {
                ensureOpen();
                Connection c = idle.poll();
                try {
                    if (c == null) {
                        c = connect();
                    }
                } catch (SQLException e) {
                    throw new ConfigStoreException(what + " failed: cannot connect to PostgreSQL at " + where + ": "
                            + PgConfigStore.oneLine(e.getMessage()), e);
                }
                boolean keep = false;
                boolean committing = false;
                try {
                    if (mode == Mode.SINGLE_READ) {
                        // No transaction is open between operations, so switching costs no round trip.
                        c.setAutoCommit(true);
                        T result;
                        try {
                            result = work.run(c);
                        } finally {
                            c.setAutoCommit(false);
                        }
                        keep = true;
                        return result;
                    }
                    if (mode == Mode.REPEATABLE_READ) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                        }
                    }
                    T result = work.run(c);
                    committing = true;
                    c.commit();
                    keep = true;
                    return result;
                } catch (SQLException e) {
                    keep = (mode == Mode.SINGLE_READ ? backInManualCommit(c) : rollback(c, e)) && !isConnectionError(e);
                    if (keep && attempt < ATTEMPTS && isRetryable(e)) {
                        log.debug("{} in {}: {}; trying again", what, where, e.getMessage());
                        continue;
                    }
                    String outcome = committing && isConnectionError(e)
                            ? " (the connection failed during COMMIT: whether it took effect is unknown)" : "";
                    throw new ConfigStoreException(what + " failed in " + where + ": " + PgConfigStore.oneLine(e.getMessage())
                            + outcome, e);
                } catch (RuntimeException | Error e) {
                    keep = rollback(c, e);
                    throw e;
                } finally {
                    if (keep && !closed) {
                        idle.add(c);
                        if (closed) {
                            drainIdle(); // close() ran between the check and the add
                        }
                    } else {
                        closeQuietly(c);
                    }
                }
            }
        } finally {
            permits.release();
        }
    }

    /** After a failed single read: true when the connection left autocommit mode again (it may be reused). */
    private static boolean backInManualCommit(Connection c) {
        try {
            return !c.getAutoCommit();
        } catch (SQLException e) {
            return false;
        }
    }

    /** Rolls back; false when that failed too, so the connection is not to be used again. */
    private static boolean rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            cause.addSuppressed(e);
            return false;
        }
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    private static boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing a connection failed: {}", e.getMessage());
        }
    }
}
