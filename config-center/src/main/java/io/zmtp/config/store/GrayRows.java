package io.zmtp.config.store;

import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.Revision;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code gray_releases} table, the same in H2 and PostgreSQL: one row per gray release, open
 * or settled. The open one carries the gray revision's change set, since it is in no other table
 * until it is promoted or aborted. Each call runs in the caller's transaction.
 */
final class GrayRows {
    /** Longest selector kept, in characters. */
    static final int MAX_SELECTOR_LENGTH = 200;
    private static final String COLUMNS = "rev, digest, author, source, opened_at, message, changes, selector, nodes,"
            + " state, settled_by, settled_source, settled_at, settled_message";

    private GrayRows() {
    }

    /** The open gray release of {@code namespace}, if any. */
    static Optional<GrayRelease> open(Connection c, String namespace) throws SQLException {
        List<GrayRelease> found = select(c, namespace, "state = 'open'", -1, 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The highest aborted gray revision of {@code namespace} at or below {@code upTo}; 0 when none is. */
    static long lastAborted(Connection c, String namespace, long upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(rev) FROM gray_releases WHERE ns = ?"
                + " AND state = 'aborted' AND rev <= ?")) {
            ps.setString(1, namespace);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;  // MAX of no rows is NULL, read as 0
            }
        }
    }

    /** Gray releases of {@code namespace} numbered above {@code afterRevision}, ascending, at most {@code limit}. */
    static List<GrayRelease> list(Connection c, String namespace, long afterRevision, int limit) throws SQLException {
        return select(c, namespace, "rev > ?", afterRevision, limit);
    }

    private static List<GrayRelease> select(Connection c, String namespace, String where, long after, int limit)
            throws SQLException {
        List<GrayRelease> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM gray_releases WHERE ns = ? AND "
                + where + " ORDER BY rev FETCH FIRST " + limit + " ROWS ONLY")) {
            ps.setString(1, namespace);
            if (after >= 0) {
                ps.setLong(2, after);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(namespace, rs));
                }
            }
        }
        return out;
    }

    private static GrayRelease read(String namespace, ResultSet rs) throws SQLException {
        long rev = rs.getLong(1);
        Revision r = new Revision(namespace, rev, rs.getString(2), rs.getString(3),
                rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6),
                ChangeSets.decode(rs.getBytes(7), namespace, rev, "gray changes"), rs.getString(4));
        String nodes = rs.getString(9);
        GrayRelease.State state = GrayRelease.State.valueOf(rs.getString(10).toUpperCase(java.util.Locale.ROOT));
        GrayRelease.Settled settled = state == GrayRelease.State.OPEN ? null : new GrayRelease.Settled(rs.getString(11),
                rs.getString(12), rs.getObject(13, OffsetDateTime.class).toInstant(), rs.getString(14));
        return new GrayRelease(r, rs.getString(8), nodes.isEmpty() ? List.of() : Arrays.asList(nodes.split(",")),
                state, settled);
    }

    /** Stores a new open gray release. */
    static void insert(Connection c, GrayRelease g) throws SQLException {
        Revision r = g.revision();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gray_releases (ns, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, NULL, NULL)")) {
            ps.setString(1, r.namespace());
            ps.setLong(2, r.number());
            ps.setString(3, r.digest());
            ps.setString(4, r.author());
            ps.setString(5, r.source());
            ps.setObject(6, utc(r.time()));
            ps.setString(7, r.message());
            ps.setBytes(8, ChangeSetCodec.encode(r.changes()));
            ps.setString(9, g.selector());
            ps.setString(10, String.join(",", g.nodes()));
            ps.executeUpdate();
        }
    }

    /** Marks the open gray release numbered {@code rev} promoted or aborted. */
    static void settle(Connection c, String namespace, long rev, GrayRelease.State state, GrayRelease.Settled by)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE gray_releases SET state = ?, settled_by = ?,"
                + " settled_source = ?, settled_at = ?, settled_message = ? WHERE ns = ? AND rev = ? AND state = 'open'")) {
            ps.setString(1, state.name().toLowerCase(java.util.Locale.ROOT));
            ps.setString(2, by.author());
            ps.setString(3, by.source());
            ps.setObject(4, utc(by.time()));
            ps.setString(5, by.message());
            ps.setString(6, namespace);
            ps.setLong(7, rev);
            if (ps.executeUpdate() != 1) {
                throw new ConfigStoreException("gray release r" + rev + " of namespace '" + namespace + "' is no longer open");
            }
        }
    }

    /** Checks a selector and a node list before they are stored. */
    static void check(String selector, List<String> nodes) {
        if (selector == null || selector.isEmpty() || selector.length() > MAX_SELECTOR_LENGTH) {
            throw new IllegalArgumentException("a gray release's selector must be 1-" + MAX_SELECTOR_LENGTH + " characters");
        }
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalArgumentException("a gray release needs at least one node");
        }
        for (String n : nodes) {
            if (n == null || n.isEmpty() || n.indexOf(',') >= 0) {
                throw new IllegalArgumentException("node id '" + n + "' cannot be listed in a gray release");
            }
        }
    }

    static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
