package io.zmtp.config.cli;

import io.zmtp.config.server.AuthFailureLimit;
import io.zmtp.config.console.ConsoleServer;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.ServerLimits;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.PgConfigStore;
import io.zmtp.config.store.StoreLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code config-center server}: runs a server until interrupted, on the embedded H2 store in
 * {@code --data} or on a PostgreSQL database ({@code --store}).
 */
@Command(name = "server", description = "Run the configuration server: on the embedded H2 store in --data, or on"
        + " PostgreSQL with --store.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"1:failed to start (a port in use, a store that cannot be opened or reached)", ExitCodes.NOT_STARTED,
                ServerCommand.EXIT_FAILED + ":failed while serving: an error escaped the server (a supervisor restarts it)",
                ExitCodes.STOPPED})
final class ServerCommand implements Callable<Integer> {
    /** Exit status when the server stopped by itself (an error escaped it): a supervisor restarts it. */
    static final int EXIT_FAILED = 70;
    /** Where the database password is read when neither --db-password-file nor --db-password is given. */
    static final String DB_PASSWORD_ENV = "CONFIG_DB_PASSWORD";
    @Option(names = "--data", paramLabel = "DIR", description = "directory of the embedded H2 store (created if missing)")
    Path data;
    @Option(names = "--store", paramLabel = "URL",
            description = "a PostgreSQL database instead of --data: postgresql://[USER@]HOST[:PORT]/DATABASE[?PARAMS]"
                    + " or jdbc:postgresql://...; the schema is created or migrated on start")
    String store;
    @Option(names = "--db-user", paramLabel = "ROLE", description = "PostgreSQL role (else the URL's USER)")
    String dbUser;
    @Option(names = "--db-password", paramLabel = "PASSWORD",
            description = "PostgreSQL password (visible to anyone who lists processes: prefer --db-password-file or $"
                    + DB_PASSWORD_ENV + ")")
    String dbPassword;
    @Option(names = "--db-password-file", paramLabel = "FILE", description = "read the PostgreSQL password from the first line of FILE")
    Path dbPasswordFile;
    @Option(names = "--whitelist", required = true, description = "file of 'node ID PASSWORD NS,...' and 'admin NAME PASSWORD' lines")
    Path whitelist;
    @Option(names = "--updates", defaultValue = "tcp://*:5570", description = "PUB endpoint (default ${DEFAULT-VALUE})")
    String updates;
    @Option(names = "--sync", defaultValue = "tcp://*:5571", description = "ROUTER endpoint (default ${DEFAULT-VALUE})")
    String sync;
    @Option(names = "--curve-secretkey", paramLabel = "Z85", description = "run CURVE (encrypted; nodes whitelisted as curve:<public key>) with this server secret key")
    String curveSecretKey;
    @Option(names = "--heartbeat", defaultValue = "1s", description = "heartbeat interval (default ${DEFAULT-VALUE})")
    String heartbeat;
    @Option(names = "--auth-failure-burst", defaultValue = "10", paramLabel = "N",
            description = "failed logins one address may have at once before all its attempts are refused for a while;"
                    + " 0 turns the limit off (default ${DEFAULT-VALUE})")
    int authFailureBurst;
    @Option(names = "--auth-failure-rate", defaultValue = "2", paramLabel = "PER_SECOND",
            description = "how fast an address gets its failed logins back, per second (default ${DEFAULT-VALUE})")
    double authFailureRate;

    @Option(names = "--http", paramLabel = "ENDPOINT",
            description = "serve the web console and /metrics on this endpoint, e.g. tcp://*:8080 (off unless given)")
    String http;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration beat = Arguments.positiveDuration(spec, "--heartbeat", heartbeat);
        AuthFailureLimit authLimit;
        try {
            authLimit = new AuthFailureLimit(authFailureBurst, authFailureRate);
        } catch (IllegalArgumentException e) {
            throw Arguments.usage(spec, e.getMessage());
        }
        if (!Files.isRegularFile(whitelist) || !Files.isReadable(whitelist)) {
            throw Arguments.usage(spec, "--whitelist " + whitelist + " is not a readable file");
        }
        if (curveSecretKey != null) {
            try {
                io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey);
            } catch (IllegalArgumentException e) {
                throw Arguments.usage(spec, "--curve-secretkey: " + e.getMessage());
            }
        }
        PgTarget pg = checkStore();
        Whitelist w = Whitelist.load(whitelist);
        try (ConfigStore store = pg == null ? H2ConfigStore.open(data, StoreLimits.defaults())
                : PgConfigStore.open(pg.jdbcUrl(), pg.user(), pg.password(), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, w, updates, sync, beat, null,
                     curveSecretKey == null ? null : io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                             io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)), ServerLimits.DEFAULTS, authLimit)) {
            System.out.println("config-center server: updates " + server.updatesEndpoint() + ", sync " + server.syncEndpoint()
                    + (pg == null ? ", data " + data.toAbsolutePath() : ", store " + pg.shown()) + (curveSecretKey == null ? ", PLAIN"
                    : ", CURVE, server public key " + io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                            io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)).publicKeyZ85()));
            try (ConsoleServer console = startConsole(server)) {
                return serve(server);
            }
        }
    }

    /** The console when --http was given (null otherwise), its address printed. */
    private ConsoleServer startConsole(ConfigServer server) {
        if (http == null) {
            return null;
        }
        ConsoleServer console;
        try {
            console = new ConsoleServer(server, http, server.metrics()::scrape);
        } catch (IllegalArgumentException e) {
            throw Arguments.usage(spec, "--http: " + e.getMessage());
        }
        System.out.println("config-center console: " + console.url() + " (sign in as an admin of the whitelist; metrics at "
                + console.url() + "metrics)");
        return console;
    }

    /** A PostgreSQL database to connect to; {@code shown} is the URL without parameters, for messages. */
    record PgTarget(String jdbcUrl, String user, String password, String shown) {
    }

    /**
     * Checks --data and --store (one of them) and, for --store, the URL, the role and the password;
     * null for the embedded store.
     */
    private PgTarget checkStore() {
        if (store == null) {
            if (data == null) {
                throw Arguments.usage(spec, "give --data DIR (the embedded store) or --store postgresql://HOST/DATABASE");
            }
            if (dbUser != null || dbPassword != null || dbPasswordFile != null) {
                throw Arguments.usage(spec, "--db-user and --db-password(-file) go with --store, not --data");
            }
            return null;
        }
        if (data != null) {
            throw Arguments.usage(spec, "give --data or --store, not both");
        }
        PgTarget target = parseStore(spec, store, dbUser);
        String password = Passwords.resolve(spec, "--db-password", dbPassword, "--db-password-file", dbPasswordFile,
                DB_PASSWORD_ENV);
        return new PgTarget(target.jdbcUrl(), target.user(), password, target.shown());
    }

    /**
     * {@code postgresql://[USER@]HOST[:PORT]/DATABASE[?PARAMS]} (libpq's form, also with
     * {@code postgres://}) or {@code jdbc:postgresql://...} as a JDBC URL and a role ({@code user}
     * if given, else the URL's); a password in the URL is refused, as it would be on the command line.
     */
    static PgTarget parseStore(CommandSpec spec, String url, String user) {
        String rest;
        if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else if (url.startsWith("jdbc:postgresql://")) {
            rest = url.substring("jdbc:postgresql://".length());
        } else {
            throw Arguments.usage(spec, "--store must be postgresql://[USER@]HOST[:PORT]/DATABASE or jdbc:postgresql://...,"
                    + " got '" + shown(url) + "'");
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        int at = authority.lastIndexOf('@');
        String urlUser = null;
        if (at >= 0) {
            urlUser = authority.substring(0, at);
            authority = authority.substring(at + 1);
            if (urlUser.contains(":")) {
                throw Arguments.usage(spec, "--store: a password in the URL would be visible to anyone who lists processes;"
                        + " give it in --db-password-file or $" + DB_PASSWORD_ENV);
            }
        }
        String query = path.indexOf('?') < 0 ? "" : path.substring(path.indexOf('?') + 1);
        for (String param : query.split("&")) {
            if (param.toLowerCase(java.util.Locale.ROOT).startsWith("password=")) {
                throw Arguments.usage(spec, "--store: a password in the URL would be visible to anyone who lists processes;"
                        + " give it in --db-password-file or $" + DB_PASSWORD_ENV);
            }
        }
        String database = path.isEmpty() ? "" : path.substring(1, path.indexOf('?') < 0 ? path.length() : path.indexOf('?'));
        if (authority.isEmpty() || database.isEmpty()) {
            throw Arguments.usage(spec, "--store needs a host and a database: postgresql://[USER@]HOST[:PORT]/DATABASE,"
                    + " got '" + shown(url) + "'");
        }
        String jdbcUrl = "jdbc:postgresql://" + authority + path;
        String role = user != null ? user : urlUser == null || urlUser.isEmpty() ? null
                : java.net.URLDecoder.decode(urlUser, java.nio.charset.StandardCharsets.UTF_8);
        return new PgTarget(jdbcUrl, role, null, "postgresql://" + authority + "/" + database);
    }

    /** A URL for a message: without its parameters, which may hold secrets. */
    private static String shown(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    /**
     * Serves until the JVM is asked to stop (0) or the server stops by itself because an error
     * escaped it ({@link #EXIT_FAILED}, after one line on standard error): the process then exits
     * instead of living on as a zombie that accepts connections and never answers.
     */
    static int serve(ConfigServer server) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        server.onFailure(e -> {
            failed.set(e);
            stop.countDown();
        });
        Thread hook = new Thread(stop::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        if (failed.get() == null) {
            return 0;
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        System.err.println("config-center server: failed (" + failed.get() + "); exiting with status " + EXIT_FAILED);
        return EXIT_FAILED;
    }
}
