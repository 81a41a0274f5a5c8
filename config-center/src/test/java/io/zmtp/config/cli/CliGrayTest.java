package io.zmtp.config.cli;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's gray-release walk-through, as a user types it: a whitelist file with labels (and
 * an old-style line without), {@code put --to}, {@code status} with its GRAY column, {@code put}
 * refused while the release is open, {@code history} and {@code audit} marking it, {@code promote},
 * then {@code delete --to} and {@code abort}.
 */
class CliGrayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static CliRun cli(ConfigServer server, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server.syncEndpoint(), "--admin=ops", "--admin-password=adm"));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static String statusLine(ConfigServer server, String node) {
        return cli(server, "status").out().lines().filter(l -> l.startsWith(node + " ")).findFirst().orElse("");
    }

    @Test
    void grayReleaseFromTheCommandLine() throws Exception {
        Path file = Files.writeString(dir.resolve("whitelist"), String.join("\n",
                "node web-1 pw1 app/web zone=a,canary=true",
                "node web-2 pw2 app/web",
                "admin ops adm", ""));
        Whitelist whitelist = Whitelist.load(file);
        assertThat(whitelist.node("web-1").labels()).containsEntry("zone", "a").containsEntry("canary", "true");
        assertThat(whitelist.node("web-2").labels()).isEmpty();
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(200), ctx);
             ConfigAgent web1 = agent(server, ctx, "web-1", "pw1");
             ConfigAgent web2 = agent(server, ctx, "web-2", "pw2")) {
            assertThat(cli(server, "put", "app/web", "color=blue", "--wait", "all").code()).isZero();

            CliRun gray = cli(server, "put", "app/web", "color=green", "--to", "zone=a", "-m", "try green",
                    "--wait", "all", "--timeout", "20s");
            assertThat(gray.code()).as(gray.err()).isZero();
            assertThat(gray.out()).contains("app/web r2").contains("gray release to 1 node(s): web-1")
                    .contains("web-1: applied").contains("1/1 nodes applied r2").doesNotContain("web-2");
            assertThat(web1.getString("app/web", "color")).contains("green");
            await().atMost(WAIT).until(() -> statusLine(server, "web-1").contains(" r2 ")
                    && statusLine(server, "web-2").matches(".*\\s1\\s+1\\s+-\\s.*"));
            assertThat(web2.getString("app/web", "color")).contains("blue");

            CliRun refused = cli(server, "put", "app/web", "color=red");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("gray-open");
            assertThat(cli(server, "history", "app/web").out()).contains("GRAY open to zone=a");
            assertThat(cli(server, "audit").out()).contains("[gray, open] try green");

            CliRun promote = cli(server, "promote", "app/web", "-m", "green is fine", "--wait", "all", "--timeout", "20s");
            assertThat(promote.code()).as(promote.err()).isZero();
            assertThat(promote.out()).contains("app/web r2").contains("2/2 nodes applied r2");
            assertThat(web2.getString("app/web", "color")).contains("green");
            assertThat(cli(server, "history", "app/web").out()).contains("GRAY promoted to zone=a (ops at");
            assertThat(cli(server, "audit").out()).contains("[promote gray r2] green is fine");

            assertThat(cli(server, "delete", "app/web", "color", "--to", "1").code()).isZero();
            await().atMost(WAIT).until(() -> web1.revision("app/web") == 3 && web1.get("app/web", "color").isEmpty());
            CliRun abort = cli(server, "abort", "app/web", "--wait", "all", "--timeout", "20s");
            assertThat(abort.code()).as(abort.err()).isZero();
            assertThat(abort.out()).contains("app/web r4").contains("2/2 nodes applied r4");
            assertThat(web1.getString("app/web", "color")).contains("green");
            assertThat(web2.snapshot("app/web").digest()).isEqualTo(web1.snapshot("app/web").digest());
            assertThat(cli(server, "history", "app/web").out()).contains("GRAY aborted to 1");
            assertThat(cli(server, "nodes").out()).contains("canary=true,zone=a");
        }
    }

    private static ConfigAgent agent(ConfigServer server, ZmtpContext ctx, String node, String password) {
        return ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint()).node(node, password)
                .namespaces("app/web").context(ctx).reportInterval(Duration.ofMillis(200)).start();
    }
}
