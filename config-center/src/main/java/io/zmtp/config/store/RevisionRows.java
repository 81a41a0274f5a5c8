package io.zmtp.config.store;

import io.zmtp.config.model.Snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads of the {@code revisions} table that both SQL stores make the same way (H2 and PostgreSQL
 * share the columns and the SQL here): the oldest revision kept, pruning, and old content rebuilt by
 * undoing later revisions. Each call runs on the caller's connection, inside the caller's transaction.
 */
final class RevisionRows {
    private RevisionRows() {
    }

    /** The oldest revision of {@code namespace} whose change set is kept; 0 when none is. */
    static long oldest(Connection c, String namespace) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(rev) FROM revisions WHERE ns = ?")) {
            ps.setString(1, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L; // MIN of nothing is NULL, read as 0
            }
        }
    }

    /**
     * The content right after {@code revision} (between 1 and the latest): {@code now}, the latest
     * content, with the undo sets of every later revision applied, newest first, checked against
     * the digest recorded for it. Empty when that revision was pruned.
     *
     * @throws ConfigStoreException when a revision in between is missing or the digest differs
     */
    static Optional<Snapshot> rebuild(Connection c, Snapshot now, long revision) throws SQLException {
        String namespace = now.namespace();
        long latest = now.revision();
        long oldest = oldest(c, namespace);
        if (oldest == 0 || revision < oldest) {
            return Optional.empty();
        }
        if (revision == latest) {
            return Optional.of(now);
        }
        String recorded;
        try (PreparedStatement ps = c.prepareStatement("SELECT digest FROM revisions WHERE ns = ? AND rev = ?")) {
            ps.setString(1, namespace);
            ps.setLong(2, revision);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ConfigStoreException("revision " + revision + " of namespace '" + namespace
                            + "' is missing though revision " + oldest + " is kept");
                }
                recorded = rs.getString(1);
            }
        }
        TreeMap<String, byte[]> entries = new TreeMap<>(now.entries());
        long expected = latest;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rev, undo FROM revisions WHERE ns = ? AND rev > ? AND rev <= ? ORDER BY rev DESC")) {
            ps.setString(1, namespace);
            ps.setLong(2, revision);
            ps.setLong(3, latest);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rev = rs.getLong(1);
                    if (rev != expected) {
                        break;
                    }
                    expected--;
                    ChangeSets.applyTo(entries, ChangeSets.decode(rs.getBytes(2), namespace, rev, "undo"));
                }
            }
        }
        if (expected != revision) {
            throw new ConfigStoreException("revision " + expected + " of namespace '" + namespace
                    + "' is missing from the history");
        }
        Snapshot rebuilt = Snapshot.of(namespace, revision, entries);
        if (!rebuilt.digest().equals(recorded)) {
            throw new ConfigStoreException("rebuilding revision " + revision + " of namespace '" + namespace
                    + "' gave digest " + rebuilt.digest() + " but " + recorded + " was recorded");
        }
        return Optional.of(rebuilt);
    }

    /** Drops the change sets of {@code namespace} below {@code keepFrom}; returns how many went. */
    static int prune(Connection c, String namespace, long keepFrom) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM revisions WHERE ns = ? AND rev < ?")) {
            ps.setString(1, namespace);
            ps.setLong(2, keepFrom);
            return ps.executeUpdate();
        }
    }
}
