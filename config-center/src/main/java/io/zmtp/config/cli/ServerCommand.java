package io.zmtp.config.cli;

import io.zmtp.config.server.AuthFailureLimit;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.ServerLimits;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
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

/** {@code config-center server}: runs a server on its embedded store until interrupted. */
@Command(name = "server", description = "Run the configuration server (embedded H2 store in --data).")
final class ServerCommand implements Callable<Integer> {
    /** Exit status when the server stopped by itself (an error escaped it): a supervisor restarts it. */
    static final int EXIT_FAILED = 70;
    @Option(names = "--data", required = true, description = "directory of the embedded store (created if missing)")
    Path data;
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
        Whitelist w = Whitelist.load(whitelist);
        try (H2ConfigStore store = H2ConfigStore.open(data, StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, w, updates, sync, beat, null,
                     curveSecretKey == null ? null : io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                             io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)), ServerLimits.DEFAULTS, authLimit)) {
            System.out.println("config-center server: updates " + server.updatesEndpoint() + ", sync " + server.syncEndpoint()
                    + ", data " + data.toAbsolutePath() + (curveSecretKey == null ? ", PLAIN"
                    : ", CURVE, server public key " + io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                            io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)).publicKeyZ85()));
            return serve(server);
        }
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
