package io.zmtp.config.cli;

import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code config-center server}: runs a server on its embedded store until interrupted. */
@Command(name = "server", description = "Run the configuration server (embedded H2 store in --data).")
final class ServerCommand implements Callable<Integer> {
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

    @Override
    public Integer call() throws Exception {
        Whitelist w = Whitelist.load(whitelist);
        try (H2ConfigStore store = H2ConfigStore.open(data, StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, w, updates, sync, Durations.parse(heartbeat), null,
                     curveSecretKey == null ? null : io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                             io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)))) {
            System.out.println("config-center server: updates " + server.updatesEndpoint() + ", sync " + server.syncEndpoint()
                    + ", data " + data.toAbsolutePath() + (curveSecretKey == null ? ", PLAIN"
                    : ", CURVE, server public key " + io.zmtp.codec.curve.CurveKeyPair.fromSecret(
                            io.zmtp.codec.curve.CurveKeyPair.decodeKey(curveSecretKey)).publicKeyZ85()));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
