package io.zmtp.config.store;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;

/**
 * A fresh PostgreSQL database for one test, dropped afterwards, so tests share nothing. The server
 * and role come from system properties or environment variables, with the defaults that
 * {@code .ci/run} sets up: {@code zmtp.pg.host}/{@code ZMTP_PG_HOST} (127.0.0.1),
 * {@code zmtp.pg.port}/{@code ZMTP_PG_PORT} (5432), {@code zmtp.pg.user}/{@code ZMTP_PG_USER}
 * (zmtp, a role with CREATEDB) and {@code zmtp.pg.password}/{@code ZMTP_PG_PASSWORD} (zmtp-test).
 *
 * <p>When the server cannot be reached the tests are skipped on a developer's machine, but fail
 * in CI ({@code CI=true}, or {@code zmtp.pg.required}/{@code ZMTP_PG_REQUIRED} true), where a
 * skipped store test would hide a broken setup.
 */
public final class PgTestDatabase implements AutoCloseable {
    public static final String HOST = setting("zmtp.pg.host", "ZMTP_PG_HOST", "127.0.0.1");
    public static final String PORT = setting("zmtp.pg.port", "ZMTP_PG_PORT", "5432");
    public static final String USER = setting("zmtp.pg.user", "ZMTP_PG_USER", "zmtp");
    public static final String PASSWORD = setting("zmtp.pg.password", "ZMTP_PG_PASSWORD", "zmtp-test");

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Why the server could not be reached, once it could not: later tests do not wait again. */
    private static volatile String unreachable;

    private final String name;
    private boolean dropped;

    private PgTestDatabase(String name) {
        this.name = name;
    }

    /** Creates a database with a random name; skips or fails the test when PostgreSQL is not there. */
    public static PgTestDatabase create() {
        if (unreachable != null) {
            missing(unreachable);
        }
        String name = "zmtp_test_" + HexFormat.of().formatHex(randomBytes());
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                unreachable = "PostgreSQL at " + HOST + ":" + PORT + " (role " + USER + ") cannot be reached: "
                        + PgConfigStore.oneLine(e.getMessage());
                missing(unreachable);
            }
            throw new IllegalStateException("cannot create a test database as role " + USER + " on " + HOST + ":" + PORT
                    + ": " + PgConfigStore.oneLine(e.getMessage()), e);
        }
        return new PgTestDatabase(name);
    }

    public String url() {
        return url(name);
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public String name() {
        return name;
    }

    /** A connection of its own to the test database, for looking behind the store's back. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), properties());
    }

    /** Drops the database, ending any connection still open on it. */
    @Override
    public void close() throws SQLException {
        if (dropped) {
            return;
        }
        dropped = true;
        // FORCE cannot end an autovacuum worker that started on the database after a heavy test
        // (42501, "must be a member of the role..."); it finishes soon, so try again a few times.
        for (int attempt = 1; ; attempt++) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                return;
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState()) || attempt == 20) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(250_000_000L);
            }
        }
    }

    static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(url("postgres"), properties());
    }

    private static Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("connectTimeout", "5");
        return p;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void missing(String why) {
        if (required()) {
            Assertions.fail(why + " (PostgreSQL is required here: CI=true or zmtp.pg.required is set; .ci/run starts it)");
        }
        Assumptions.abort(why + "; skipping the PostgreSQL store tests (start PostgreSQL and create the role as .ci/run"
                + " does, or point ZMTP_PG_HOST, ZMTP_PG_PORT, ZMTP_PG_USER, ZMTP_PG_PASSWORD at one)");
    }

    static boolean required() {
        return Boolean.parseBoolean(setting("zmtp.pg.required", "ZMTP_PG_REQUIRED", "false"))
                || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isEmpty()) {
            value = System.getenv(env);
        }
        return value == null || value.isEmpty() ? fallback : value;
    }
}
