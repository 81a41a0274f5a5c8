package io.zmtp.config.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Closing a server does not wait for its next heartbeat: the server thread waited for requests
 * until the heartbeat was due, so with a long heartbeat {@code close} (an embedding application's
 * shutdown, every test's teardown) hung for up to that long.
 */
class ServerCloseTest {
    @TempDir
    Path dir;

    @Test
    void aServerWithAnHourlyHeartbeatClosesWithoutWaitingForIt() {
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults())) {
            ConfigServer server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/*"),
                    "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofHours(1), ctx);
            try (Socket node = ctx.socket(SocketType.DEALER)) {
                node.options().linger(0).receiveTimeout(30_000).plainCredentials("web-1", "pw");
                node.connect(server.syncEndpoint());
                // An answer shows the server thread is in its loop, waiting for the next request.
                ObjectNode h = Wire.object();
                h.put("node", "web-1");
                h.put("ns", "app/none");
                h.put("from", 0);
                h.put("req", 1);
                assertThat(node.send(Wire.command(Wire.SYNC, h), Duration.ofSeconds(30))).isTrue();
                try (Message answer = node.receive()) {
                    assertThat(answer).as("an answer to the SYNC").isNotNull();
                }
            }
            // Generous on a loaded machine; before the fix close waited for the heartbeat, an hour.
            assertTimeoutPreemptively(Duration.ofSeconds(30), server::close);
        }
    }
}
