package io.zmtp.config;

import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A config server with default limits in a JVM of its own, for attacks that must not take the
 * test's JVM down with it. Arguments: data directory, number of 1 MiB values to publish in
 * {@code app/big}. Whitelist: node {@code silent}/{@code pw}, admin {@code ops}/{@code adm}.
 * Prints {@code READY <updates> <sync>} and serves until its standard input closes.
 */
public final class ServerProcess {
    private ServerProcess() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        int values = Integer.parseInt(args[1]);
        try (H2ConfigStore store = H2ConfigStore.open(data, StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store,
                     new Whitelist().node("silent", "pw", "app/*").admin("ops", "adm"),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(500), null)) {
            Random random = new Random(11);
            for (int first = 0; first < values; first += 4) {
                List<Change> changes = new ArrayList<>();
                for (int i = first; i < Math.min(values, first + 4); i++) {
                    byte[] v = new byte[1 << 20];
                    random.nextBytes(v);
                    changes.add(Change.put("v" + i, v));
                }
                server.publish("app/big", changes, "test", "values from " + first);
            }
            System.out.println("READY " + server.updatesEndpoint() + " " + server.syncEndpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Serve until the test closes our standard input.
            }
        }
    }
}
