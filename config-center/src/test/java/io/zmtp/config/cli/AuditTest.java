package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Revision;
import io.zmtp.config.protocol.Wire;
import io.zmtp.socket.Socket;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 18, audit and item 8: every revision records the admin the server authenticated on the
 * connection (not a name the client claims), the connection's address, the time and the message;
 * {@code history} and {@code audit} show them. {@code status} calls a node that is behind but
 * intact "digest OK", and {@code status --help} works.
 */
class AuditTest extends ServerTestBase {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private record Result(int code, String out) {
    }

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
            return new Result(ConfigCenterCommand.run(all), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void anAdminCannotForgeAnotherAdminsNameAndTheTrailShowsWhoFromWhere() {
        try (AdminClient ops = new AdminClient(server.syncEndpoint(), "ops", "adm", WAIT)) {
            ObjectNode forged = put("port", "1");
            forged.put("author", "alice");
            assertThatThrownBy(() -> ops.call("put", forged, List.of("1".getBytes(StandardCharsets.UTF_8))))
                    .hasMessageContaining("'author'").hasMessageContaining("bad-request");
            assertThat(store.latestRevision("app/web")).as("nothing stored").isZero();

            ObjectNode own = put("port", "2");
            own.put("author", "ops");
            ops.call("put", own, List.of("2".getBytes(StandardCharsets.UTF_8)));
            ops.call("put", put("port", "3"), List.of("3".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(cli("put", "app/web", "port=4", "-m", "from the cli").code()).isZero();

        List<Revision> history = store.history("app/web", 0, 10);
        assertThat(history).hasSize(3).allSatisfy(r -> {
            assertThat(r.author()).isEqualTo("ops");
            assertThat(r.source()).startsWith("127.0.0.1:");
        });

        Result audit = cli("audit", "--ns", "app/web", "--limit", "2");
        assertThat(audit.code()).as(audit.out()).isZero();
        assertThat(audit.out()).contains("ADMIN").contains("r3").contains("r2").doesNotContain("r1 ")
                .contains("ops").contains("127.0.0.1:").contains("from the cli").doesNotContain("alice");
        assertThat(cli("history", "app/web").out()).contains("ops").contains("127.0.0.1:");
        assertThat(cli("audit").out()).contains("app/web").contains("r3");
    }

    @Test
    void aNodeThatIsBehindButIntactHasItsDigestVerifiedForItsRevision() {
        Revision r1 = server.publish("app/web", List.of(Change.put("a", "1")), "ops", "one").revision();
        server.publish("app/web", List.of(Change.put("a", "2")), "ops", "two");
        try (Socket node = ctx.socket(SocketType.DEALER)) {
            node.options().linger(0).plainCredentials("web-1", "pw");
            node.connect(server.syncEndpoint());
            ObjectNode h = Wire.object();
            h.put("node", "web-1");
            h.put("ns", "app/web");
            h.put("rev", 1);
            h.put("digest", r1.digest());
            h.put("applied", System.currentTimeMillis());
            node.send(Wire.command(Wire.REPORT, h));
            await().atMost(WAIT).until(() -> row().path("rev").asLong() == 1);
        }
        assertThat(row().path("digestOk").asBoolean()).isTrue();
        assertThat(row().path("upToDate").asBoolean()).isFalse();
        Result status = cli("status");
        assertThat(status.code()).as("not every node is current").isEqualTo(1);
        assertThat(status.out()).contains("DIGEST OK").contains("behind").contains("yes");
    }

    @Test
    void statusTakesHelp() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(ConfigCenterCommand.run("status", "--help")).isZero();
            assertThat(ConfigCenterCommand.run("audit", "--help")).isZero();
        } finally {
            System.setOut(saved);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("Usage: config-center status").contains("--ns");
    }

    private JsonNode row() {
        return server.status().path("nodes").get(0);
    }

    private static ObjectNode put(String key, String value) {
        ObjectNode h = Wire.object();
        h.put("ns", "app/web");
        ArrayNode changes = h.putArray("changes");
        ObjectNode c = changes.addObject();
        c.put("key", key);
        c.put("op", "put");
        return h;
    }
}
