package io.zmtp.config.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.Socket;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile-input finding B: wrong credentials on the sync/admin port (the ROUTER) were never listed
 * as refused; only the PUB socket's were. Every port's refusals now show in status, counted per
 * (address, user).
 */
class RefusedConnectionsTest extends ServerTestBase {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private JsonNode refusedEntry(String user) {
        return StreamSupport.stream(server.status().path("refused").spliterator(), false)
                .filter(r -> r.path("user").asText().equals(user)).findFirst().orElse(null);
    }

    @Test
    void wrongAdminAndNodeCredentialsOnTheSyncPortAreListedAndCounted() {
        for (int i = 0; i < 2; i++) {
            assertThat(ConfigCenterCommand.run("status", "--server", server.syncEndpoint(), "--admin=ops",
                    "--admin-password=nope", "--request-timeout=1s")).isEqualTo(1);
        }
        Socket liar = ctx.socket(SocketType.DEALER);
        liar.options().linger(0).plainCredentials("web-1", "wrong");
        liar.connect(server.syncEndpoint());

        await().atMost(WAIT).until(() -> refusedEntry("ops") != null && refusedEntry("ops").path("count").asLong() == 2
                && refusedEntry("web-1") != null);
        JsonNode ops = refusedEntry("ops");
        assertThat(ops.path("address").asText()).isEqualTo("127.0.0.1");
        assertThat(ops.path("ports").asText()).isEqualTo("sync");
        assertThat(ops.path("reason").asText()).isEqualTo("wrong password");
        assertThat(ops.path("first").asText()).isNotEmpty();
        assertThat(refusedEntry("web-1").path("ports").asText()).isEqualTo("sync");

        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            ConfigCenterCommand.run("status", "--server", server.syncEndpoint(), "--admin=ops", "--admin-password=adm");
        } finally {
            System.setOut(saved);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("REFUSED CONNECTIONS")
                .containsPattern("ops +127\\.0\\.0\\.1 +sync +2  wrong password")
                .containsPattern("web-1 +127\\.0\\.0\\.1 +sync +1  wrong password");
        liar.close();
    }
}
