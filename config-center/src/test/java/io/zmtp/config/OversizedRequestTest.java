package io.zmtp.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.config.model.Change;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile-input finding E in the config center: its sockets set no size limits, so an
 * authenticated peer could make the server buffer a message of any size. Now the server's ROUTER
 * takes at most a namespace and its header (64 MiB + 8 MiB by default) per message: a node that
 * sends 80 MiB is disconnected before the server holds it, and the server serves on.
 */
class OversizedRequestTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aMessageLargerThanANamespaceClosesTheConnectionAndTheServerServesOn() {
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, new Whitelist().node("n1", "pw", "app/*").admin("ops", "adm"),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx)) {
            server.publish("app/web", List.of(Change.put("k", "v")), "test", "one");
            Socket node = ctx.socket(SocketType.DEALER);
            node.options().linger(0).plainCredentials("n1", "pw");
            List<SocketEvent.Type> events = new CopyOnWriteArrayList<>();
            node.addEventListener(e -> events.add(e.type()));
            node.connect(server.syncEndpoint());
            await().atMost(WAIT).until(() -> events.contains(SocketEvent.Type.HANDSHAKE_SUCCEEDED));

            ObjectNode h = Wire.object();
            h.put("node", "n1");
            h.put("ns", "app/web");
            h.put("from", 0);
            h.put("req", 1);
            Message huge = Wire.command(Wire.SYNC, h);
            byte[] mebibyte = new byte[1 << 20];
            for (int i = 0; i < 80; i++) {
                huge.add(Unpooled.wrappedBuffer(mebibyte));
            }
            assertThat(node.send(huge, WAIT)).isTrue();

            await().atMost(WAIT).until(() -> events.contains(SocketEvent.Type.DISCONNECTED));
            ConfigServer.RequestCounts counts = server.requests();
            assertThat(counts.answered() + counts.busy() + counts.dropped()).isZero();
            assertThat(server.isServing()).isTrue();

            // Others are served: an admin's status.
            Socket admin = ctx.socket(SocketType.DEALER);
            admin.options().linger(0).plainCredentials("ops", "adm");
            admin.connect(server.syncEndpoint());
            ObjectNode s = Wire.object();
            s.put("op", "status");
            s.put("req", 7);
            assertThat(admin.send(Wire.command(Wire.ADMIN, s), WAIT)).isTrue();
            try (Message reply = admin.receive(WAIT)) {
                assertThat(reply).isNotNull();
                assertThat(reply.string(0)).isEqualTo(Wire.RESULT);
            }
        }
    }
}
