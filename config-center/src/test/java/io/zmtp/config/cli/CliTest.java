package io.zmtp.config.cli;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin commands against a running server, as a user types them. */
class CliTest extends ServerTestBase {
    private record Result(int code, String out) {
    }

    /** Runs a command as the admin; returns its exit code and what it printed. */
    private Result cli(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 4];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--server";
            all[args.length + 1] = server.syncEndpoint();
            all[args.length + 2] = "--admin=ops";
            all[args.length + 3] = "--admin-password=adm";
            int code = ConfigCenterCommand.run(all);
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void putGetHistoryDiffRollbackAndStatus() throws Exception {
        Path write = dir.resolve("files");
        try (ConfigAgent agent = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                .node("web-1", "pw").namespaces("app/web").context(ctx).writeDir(write, "properties").start()) {
            Result put = cli("put", "app/web", "port=8080", "threads=16", "-m", "first", "--wait", "all", "--timeout", "20s");
            assertThat(put.code()).as(put.out()).isZero();
            assertThat(put.out()).contains("app/web r1").contains("web-1: applied").contains("1/1 nodes applied r1");
            assertThat(cli("put", "app/web", "threads=32").code()).isZero();
            assertThat(cli("delete", "app/web", "port").code()).isZero();

            Result get = cli("get", "app/web");
            assertThat(get.out()).contains("revision 3").contains("threads=32").doesNotContain("port=");
            assertThat(cli("get", "app/web", "threads", "--rev", "1").out()).contains("threads=16");
            assertThat(cli("history", "app/web").out()).contains("r1").contains("first").contains("-port");
            assertThat(cli("diff", "app/web", "1", "3").out()).contains("+ threads=32").contains("- port");

            Result back = cli("rollback", "app/web", "1");
            assertThat(back.code()).isZero();
            assertThat(back.out()).contains("app/web r4");
            assertThat(store.snapshot("app/web").digest()).isEqualTo(store.snapshotAt("app/web", 1).orElseThrow().digest());

            await().atMost(Duration.ofSeconds(20)).until(() -> agent.revision("app/web") == 4);
            // The agent's plain-file view follows, written atomically, a directory per segment.
            Path file = write.resolve("app/web.properties");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file) && Files.readString(file).contains("revision 4"));
            assertThat(Files.readString(file)).contains("threads=16").contains("port=8080").endsWith("\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> cli("status").code() == 0);
            assertThat(cli("status").out()).contains("web-1").contains("app/web").contains("yes");
            // Online means heard within three heartbeats (600 ms); the agent reports once a second.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(cli("nodes").out()).containsPattern("web-1 +online"));
        }
    }

    @Test
    void aWrongAdminPasswordAndANodeCredentialAreRefused() {
        assertThat(ConfigCenterCommand.run("status", "--server", server.syncEndpoint(), "--admin=ops",
                "--admin-password=nope", "--request-timeout=2s")).isEqualTo(1);
        // A node's credential is not an admin's: the server answers ERROR.
        assertThat(ConfigCenterCommand.run("put", "app/web", "a=b", "--server", server.syncEndpoint(), "--admin=web-1",
                "--admin-password=pw", "--request-timeout=5s")).isEqualTo(1);
        assertThat(store.latestRevision("app/web")).isZero();
    }

    @Test
    void aValueOverTheLimitIsRefusedWholeWithAClearError() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = cli("put", "app/web", "small=1", "big=" + "x".repeat(StoreLimits.defaults().maxValueBytes() + 1)).code();
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("too-large");
        assertThat(store.latestRevision("app/web")).isZero();
    }

    @Test
    void adminCommandsOverCurve() {
        io.zmtp.codec.curve.CurveKeyPair serverKeys = io.zmtp.codec.curve.CurveKeyPair.generate();
        io.zmtp.codec.curve.CurveKeyPair adminKeys = io.zmtp.codec.curve.CurveKeyPair.generate();
        try (H2ConfigStore curveStore = H2ConfigStore.inMemory(StoreLimits.defaults());
             ConfigServer curveServer = new ConfigServer(curveStore,
                     new Whitelist().admin("ops", "curve:" + adminKeys.publicKeyZ85()),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx, serverKeys)) {
            int code = ConfigCenterCommand.run("put", "app/x", "a=1", "--server", curveServer.syncEndpoint(),
                    "--curve-serverkey", serverKeys.publicKeyZ85(), "--curve-secretkey", adminKeys.secretKeyZ85());
            assertThat(code).isZero();
            assertThat(curveStore.latestRevision("app/x")).isEqualTo(1);
            // Another key is not an admin.
            io.zmtp.codec.curve.CurveKeyPair other = io.zmtp.codec.curve.CurveKeyPair.generate();
            assertThat(ConfigCenterCommand.run("put", "app/x", "a=2", "--server", curveServer.syncEndpoint(),
                    "--curve-serverkey", serverKeys.publicKeyZ85(), "--curve-secretkey", other.secretKeyZ85(),
                    "--request-timeout=2s")).isEqualTo(1);
            assertThat(curveStore.latestRevision("app/x")).isEqualTo(1);
        }
    }
}
