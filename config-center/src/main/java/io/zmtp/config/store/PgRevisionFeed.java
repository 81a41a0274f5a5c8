package io.zmtp.config.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link RevisionFeed} of a {@link PgConfigStore}: one thread on one connection of its own
 * that LISTENs on {@link #CHANNEL}, where every commit sends (in its own transaction, so only once
 * it is committed) a NOTIFY whose payload is {@code "<revision> <namespace>"}. Notifications can be
 * lost (the connection drops, the server restarts), so the feed also reads every namespace's head
 * revision when it (re)connects and every {@code catchUpEvery}: a revision is never missed, at
 * worst learned that much later.
 *
 * <p>The listener is called on the feed's thread only for a revision above the last one it took
 * for that namespace; one that throws is offered the revision again at the next read.
 */
final class PgRevisionFeed implements RevisionFeed {
    /** The NOTIFY channel of new revisions. */
    static final String CHANNEL = "zmtp_config_revisions";
    /** The application name of the listening connection (visible in pg_stat_activity). */
    static final String APPLICATION = "config-center-listen";
    private static final Logger log = LoggerFactory.getLogger(PgRevisionFeed.class);
    /** Longest a wait for notifications lasts, so that close() is noticed soon. */
    private static final int POLL_MILLIS = 200;
    /** Longest pause between attempts to reconnect. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final Listener listener;
    private final Duration catchUpEvery;
    private final String where;
    /** The latest revision the listener took, per namespace; feed thread only. */
    private final Map<String, Long> taken = new HashMap<>();
    private final Thread thread;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private volatile boolean running = true;
    /** Tests: drop every notification, as if lost, so only the reads can find revisions. */
    private volatile boolean deaf;

    PgRevisionFeed(Connector connector, Listener listener, Duration catchUpEvery, String where) {
        this.connector = connector;
        this.listener = listener;
        this.catchUpEvery = catchUpEvery;
        this.where = where;
        this.thread = new Thread(this::run, "config-store-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Tests: ignore notifications from now on (true) or take them again (false). */
    void deaf(boolean ignore) {
        this.deaf = ignore;
    }

    /** How often the listening connection was opened (1 after the first, more after each loss). */
    long connects() {
        return connects.get();
    }

    /** How many times every head was read (at each connect, then every {@code catchUpEvery}). */
    long reads() {
        return reads.get();
    }

    private void run() {
        Connection c = null;
        long nextRead = 0;
        long backoff = 50;
        while (running) {
            try {
                if (c == null) {
                    c = listen();
                    backoff = 50;
                    nextRead = System.nanoTime();  // a (re)connect reads at once what it may have missed
                }
                if (System.nanoTime() - nextRead >= 0) {
                    readHeads(c);
                    nextRead = System.nanoTime() + catchUpEvery.toNanos();
                }
                long untilRead = TimeUnit.NANOSECONDS.toMillis(nextRead - System.nanoTime());
                int wait = (int) Math.max(1, Math.min(POLL_MILLIS, untilRead));
                PGNotification[] notes = c.unwrap(PGConnection.class).getNotifications(wait);
                if (notes != null && !deaf) {
                    // Several revisions of a namespace at once are one call, with the latest.
                    Map<String, Long> latest = new HashMap<>();
                    for (PGNotification n : notes) {
                        if (CHANNEL.equals(n.getName())) {
                            notified(n.getParameter(), latest);
                        }
                    }
                    latest.forEach(this::offer);
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                log.warn("revision feed from {}: {}; reconnecting in {} ms", where, PgConfigStore.oneLine(e.getMessage()),
                        backoff);
                close(c);
                c = null;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
        close(c);
    }

    private Connection listen() throws SQLException {
        Connection c = connector.connect();
        try {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("SET application_name = '" + APPLICATION + "'");
                s.execute("LISTEN " + CHANNEL);
            }
        } catch (SQLException | RuntimeException e) {
            close(c);
            throw e;
        }
        if (connects.incrementAndGet() > 1) {
            log.info("revision feed from {}: listening again; reading what it may have missed", where);
        }
        return c;
    }

    /** Reads every namespace's head: what a lost notification would otherwise hide. */
    private void readHeads(Connection c) throws SQLException {
        Map<String, Long> heads = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ns, latest_rev FROM namespaces WHERE latest_rev > 0")) {
            while (rs.next()) {
                heads.put(rs.getString(1), rs.getLong(2));
            }
        }
        heads.forEach(this::offer);
        reads.incrementAndGet();
    }

    /** Adds a notification's {@code "<revision> <namespace>"} to {@code latest}. */
    private static void notified(String payload, Map<String, Long> latest) {
        int space = payload == null ? -1 : payload.indexOf(' ');
        if (space <= 0) {
            log.debug("revision feed: ignoring notification '{}'", payload);
            return;
        }
        try {
            latest.merge(payload.substring(space + 1), Long.parseLong(payload.substring(0, space)), Math::max);
        } catch (NumberFormatException e) {
            log.debug("revision feed: ignoring notification '{}'", payload);
        }
    }

    private void offer(String namespace, long revision) {
        Long had = taken.get(namespace);
        if (had != null && had >= revision) {
            return;
        }
        try {
            listener.revision(namespace, revision);
            taken.put(namespace, revision);
        } catch (RuntimeException e) {
            log.warn("revision feed: the listener failed on {} r{} (offered again at the next read): {}", namespace,
                    revision, e.toString());
        }
    }

    private static void close(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing the listening connection: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
