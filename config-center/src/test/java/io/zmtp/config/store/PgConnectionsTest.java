package io.zmtp.config.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pool's single-statement reads run in autocommit; the connection must come back to the pool in
 * manual-commit mode, or the next transaction's statements would each commit on their own and a
 * failure half-way would leave its first writes behind. One connection in the pool, so every
 * operation below uses the one the read used.
 */
class PgConnectionsTest {
    private PgTestDatabase db;
    private PgConnections pool;

    @BeforeEach
    void open() {
        db = PgTestDatabase.create();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(db.url());
        source.setUser(db.user());
        source.setPassword(db.password());
        pool = new PgConnections(source, 1, "the test database");
        pool.transact("creating a table", false, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (x int)");
            }
            return null;
        });
    }

    @AfterEach
    void close() throws SQLException {
        pool.close();
        db.close();
    }

    @Test
    void aReadLeavesTheConnectionInManualCommit() throws SQLException {
        long rows = pool.read("counting", c -> count(c));
        assertThat(rows).isZero();
        insertThenFail();
        assertThat(rowsSeenFromOutside()).as("the failed transaction's insert was rolled back").isZero();
    }

    @Test
    void aFailedReadLeavesTheConnectionInManualCommit() throws SQLException {
        assertThatThrownBy(() -> pool.read("reading a table that is not there", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT x FROM absent")) {
                return rs.next();
            }
        })).isInstanceOf(ConfigStoreException.class).hasMessageContaining("absent");
        insertThenFail();
        assertThat(rowsSeenFromOutside()).as("the failed transaction's insert was rolled back").isZero();
        pool.transact("inserting", false, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (1)");
            }
            return null;
        });
        assertThat(rowsSeenFromOutside()).as("a transaction after it commits as usual").isEqualTo(1);
    }

    /** A transaction that inserts a row, then fails. */
    private void insertThenFail() {
        assertThatThrownBy(() -> pool.transact("inserting, then failing", false, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (1)");
            }
            throw new IllegalStateException("failing after the insert");
        })).isInstanceOf(IllegalStateException.class);
    }

    private long rowsSeenFromOutside() throws SQLException {
        try (Connection c = db.connect()) {
            return count(c);
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
