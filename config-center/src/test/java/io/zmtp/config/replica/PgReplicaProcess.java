package io.zmtp.config.replica;

import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.PgConfigStore;
import io.zmtp.config.store.StoreLimits;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A config server on a PostgreSQL store in a JVM of its own, so a test can kill it for real
 * ({@code kill -9}). Arguments: JDBC URL, role, password, heartbeat in ms, number of nodes
 * ({@code n0}..{@code n<N-1>}, password {@code pw}, namespaces {@code app/*}). Prints
 * {@code READY <updates> <sync>}, then takes commands on its standard input:
 * {@code burst COUNT PAUSE_MS} publishes COUNT revisions of {@code app/burst} through this server,
 * pausing between them, and prints {@code BURST-DONE <revision> <digest>}. Ends when its standard
 * input closes.
 */
public final class PgReplicaProcess {
    static final String NS = "app/burst";

    private PgReplicaProcess() {
    }

    public static void main(String[] args) throws Exception {
        Whitelist whitelist = new Whitelist().admin("ops", "adm");
        for (int i = 0; i < Integer.parseInt(args[4]); i++) {
            whitelist.node("n" + i, "pw", "app/*");
        }
        try (PgConfigStore store = PgConfigStore.open(args[0], args[1], args[2], StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(Long.parseLong(args[3])), null)) {
            System.out.println("READY " + server.updatesEndpoint() + " " + server.syncEndpoint());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split(" ");
                if (w.length == 3 && w[0].equals("burst")) {
                    int count = Integer.parseInt(w[1]);
                    long pause = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(w[2]));
                    long rev = 0;
                    for (int i = 0; i < count; i++) {
                        rev = server.publish(NS, List.of(Change.put("key" + (i % 20), "value " + i + " " + System.nanoTime())),
                                "ops", "burst #" + i).revision().number();
                        if (pause > 0) {
                            LockSupport.parkNanos(pause);  // the load's pace, so a kill lands in the middle
                        }
                    }
                    System.out.println("BURST-DONE " + rev + " " + store.snapshot(NS).digest());
                    System.out.flush();
                }
            }
        }
    }
}
