package io.zmtp.config.cli;

import io.zmtp.config.store.PgConfigStore;
import io.zmtp.config.store.PgTestDatabase;
import io.zmtp.config.store.StoreLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config-center server --store postgresql://...}: the options, their errors (one line, no
 * stack trace, no password echoed; a usage error's line is followed by the usage) and a real server
 * on a fresh PostgreSQL database.
 */
class PgServerCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @TempDir
    Path dir;

    private Path whitelist() throws Exception {
        Path w = dir.resolve("whitelist");
        Files.writeString(w, "admin ops adm\n");
        return w;
    }

    /** One line that says what is wrong; a usage error (2) follows it with the server command's usage. */
    private static void assertOneLineError(CliRun r, int code, String says) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        String first = r.err().lines().findFirst().orElse("");
        assertThat(first).contains(says);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        if (code == 2) {
            assertThat(r.err()).contains("\nUsage: config-center server ");
        } else {
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        }
    }

    @Test
    void storeOptionsAreCheckedBeforeAnythingStarts() throws Exception {
        String w = whitelist().toString();
        assertOneLineError(run("server", "--whitelist", w), 2, "give --data DIR");
        assertOneLineError(run("server", "--whitelist", w, "--data", dir.toString(), "--store", "postgresql://h/db"), 2,
                "not both");
        assertOneLineError(run("server", "--whitelist", w, "--store", "mysql://h/db"), 2, "--store must be postgresql://");
        assertOneLineError(run("server", "--whitelist", w, "--store", "postgresql://h"), 2, "needs a host and a database");
        CliRun inUrl = run("server", "--whitelist", w, "--store", "postgresql://me:s3cret@h/db");
        assertOneLineError(inUrl, 2, "password in the URL");
        assertThat(inUrl.err()).doesNotContain("s3cret");
        CliRun inQuery = run("server", "--whitelist", w, "--store", "jdbc:postgresql://h/db?user=me&password=s3cret");
        assertOneLineError(inQuery, 2, "password in the URL");
        assertThat(inQuery.err()).doesNotContain("s3cret");
        assertOneLineError(run("server", "--whitelist", w, "--data", dir.toString(), "--db-user", "me"), 2,
                "go with --store");
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndExitOne() throws Exception {
        CliRun r = run("server", "--whitelist", whitelist().toString(), "--store", "postgresql://me@127.0.0.1:1/db",
                "--db-password", "pw");
        assertOneLineError(r, 1, "cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/db: ");
    }

    @Test
    void parsesLibpqStyleUrls() {
        ServerCommand.PgTarget t = ServerCommand.parseStore(null, "postgresql://config%40ops@db.example:6432/cfg?sslmode=require", null);
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/cfg?sslmode=require");
        assertThat(t.user()).isEqualTo("config@ops");
        assertThat(t.shown()).isEqualTo("postgresql://db.example:6432/cfg");
        assertThat(ServerCommand.parseStore(null, "jdbc:postgresql://h/cfg", "role").user()).isEqualTo("role");
        assertThat(ServerCommand.parseStore(null, "postgres://h/cfg", null).user()).isNull();
    }

    /** A server process on a fresh database: it migrates the schema, takes a put, and the put is in PostgreSQL. */
    @Test
    void aServerRunsOnPostgresql() throws Exception {
        try (PgTestDatabase db = PgTestDatabase.create()) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Path passwordFile = dir.resolve("db-password");
            Files.writeString(passwordFile, db.password() + "\n");
            ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    ConfigCenterCommand.class.getName(), "server", "--whitelist", whitelist().toString(),
                    "--store", "postgresql://" + db.user() + "@" + PgTestDatabase.HOST + ":" + PgTestDatabase.PORT + "/" + db.name(),
                    "--db-password-file", passwordFile.toString(),
                    "--updates", "tcp://127.0.0.1:*", "--sync", "tcp://127.0.0.1:*")
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Process server = pb.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(60, TimeUnit.SECONDS);
                assertThat(line).as("the server's first line").isNotNull().contains("store postgresql://")
                        .doesNotContain(db.password());
                Matcher sync = Pattern.compile("sync (tcp://[^,]+)").matcher(line);
                assertThat(sync.find()).as(line).isTrue();
                CliRun put = run("put", "app/web", "a=1", "--server", sync.group(1), "--admin", "ops",
                        "--admin-password", "adm", "--wait", "none");
                assertThat(put.code()).as(put.err()).isZero();
            } finally {
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
                server.destroyForcibly();
            }
            try (PgConfigStore store = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.DEFAULTS)) {
                assertThat(store.latestRevision("app/web")).isEqualTo(1);
                assertThat(store.history("app/web", 0, 10).get(0).author()).isEqualTo("ops");
            }
        }
    }
}
