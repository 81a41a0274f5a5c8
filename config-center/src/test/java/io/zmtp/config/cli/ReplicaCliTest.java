package io.zmtp.config.cli;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.PgConfigStore;
import io.zmtp.config.store.PgTestDatabase;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19: the admin commands with several replicas in {@code --server}: a dead server is passed
 * over, and status, nodes and {@code put --wait} merge what every replica knows of its own nodes.
 */
class ReplicaCliTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private record Result(int code, String out) {
    }

    private static Result cli(String servers, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 4];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--server";
            all[args.length + 1] = servers;
            all[args.length + 2] = "--admin=ops";
            all[args.length + 3] = "--admin-password=adm";
            return new Result(ConfigCenterCommand.run(all), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void statusNodesAndWaitMergeTheReplicasAndADeadServerIsPassedOver() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw", "app/web").node("web-2", "pw", "app/web")
                .admin("ops", "adm");
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = "tcp://127.0.0.1:" + s.getLocalPort();  // closed below: nothing listens there
        }
        try (PgTestDatabase db = PgTestDatabase.create();
             ZmtpContext ctx = new ZmtpContext();
             PgConfigStore storeA = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             PgConfigStore storeB = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
             ConfigServer a = new ConfigServer(storeA, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx);
             ConfigServer b = new ConfigServer(storeB, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx);
             ConfigAgent onA = ConfigAgent.builder().server(a.updatesEndpoint(), a.syncEndpoint())
                     .node("web-1", "pw").namespaces("app/web").context(ctx).start();
             ConfigAgent onB = ConfigAgent.builder().server(b.updatesEndpoint(), b.syncEndpoint())
                     .node("web-2", "pw").namespaces("app/web").context(ctx).start()) {
            String both = a.syncEndpoint() + "," + b.syncEndpoint();

            Result put = cli(dead + "," + both, "put", "app/web", "port=8080", "--wait", "all", "--timeout", "20s");
            assertThat(put.code()).as(put.out()).isZero();
            assertThat(put.out()).contains("app/web r1").contains("web-1: applied").contains("web-2: applied");

            await().atMost(WAIT).until(() -> cli(both, "status").code() == 0);
            Result status = cli(both, "status");
            assertThat(status.out()).contains("web-1").contains("web-2").doesNotContain("behind");
            // Each replica alone knows only its own node.
            await().atMost(WAIT).until(() -> cli(a.syncEndpoint(), "status").code() == 1);

            // A node is online for three heartbeat intervals (600 ms) after it was heard from, and
            // these agents report once a second: wait for a moment when both are.
            await().atMost(WAIT).untilAsserted(() -> assertThat(cli(both, "nodes").out())
                    .containsPattern("web-1 +online").containsPattern("web-2 +online"));
            assertThat(cli(dead + "," + b.syncEndpoint(), "get", "app/web", "port").out()).contains("8080");
        }
    }

    @Test
    void aWrongAdminPasswordIsSaidAsSuchWithSeveralServers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Whitelist whitelist = new Whitelist().admin("ops", "adm");
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = "tcp://127.0.0.1:" + s.getLocalPort();  // closed below: nothing listens there
        }
        try (ZmtpContext ctx = new ZmtpContext();
             io.zmtp.config.store.H2ConfigStore store = io.zmtp.config.store.H2ConfigStore.open(dir, StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx)) {
            PrintStream saved = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = ConfigCenterCommand.run("get", "app/web", "port", "--server", dead + "," + server.syncEndpoint(),
                        "--admin=ops", "--admin-password=wrong");
            } finally {
                System.setErr(saved);
            }
            assertThat(code).isNotZero();
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains(server.syncEndpoint() + ": the server refused the admin name or password");
        }
    }

    @Test
    void anAgentNeedsAnUpdatesEndpointPerServer() {
        assertThat(ConfigCenterCommand.run("agent", "--node", "web-1", "--password", "pw", "--namespace", "app/web",
                "--server", "tcp://127.0.0.1:7001,tcp://127.0.0.1:7002")).isEqualTo(2);
        assertThat(ConfigCenterCommand.run("agent", "--node", "web-1", "--password", "pw", "--namespace", "app/web",
                "--server", "tcp://127.0.0.1:7001,", "--updates", "tcp://127.0.0.1:7000")).isEqualTo(2);
    }
}
