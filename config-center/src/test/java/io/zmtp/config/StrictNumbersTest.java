package io.zmtp.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.model.Change;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, item 5: {@code req} was coerced ("abc" and null to 0, 1.5 to 1, "7" to 7, 2^64 to 0)
 * while {@code from} was strict. Both must now be non-negative JSON integers within int64; anything
 * else is ERROR bad-request naming the field, and that ERROR carries no {@code req} (there is none
 * to echo). Invalid JSON gets an ERROR without {@code req} or {@code ns}.
 */
class StrictNumbersTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void reqAndFromAreNonNegativeIntegersWithinInt64() {
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, new Whitelist().node("n1", "pw", "app/*"),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx);
             Socket node = ctx.socket(SocketType.DEALER)) {
            server.publish("app/web", List.of(Change.put("k", "v")), "test", "one");
            node.options().linger(0).plainCredentials("n1", "pw");
            node.connect(server.syncEndpoint());

            for (String req : List.of("\"abc\"", "null", "1.5", "\"7\"", "18446744073709551616", "-1", "1e3")) {
                ObjectNode e = ask(node, "{\"node\":\"n1\",\"ns\":\"app/web\",\"from\":0,\"req\":" + req + "}");
                assertThat(e.get("code").asText()).as("req " + req).isEqualTo("bad-request");
                assertThat(e.get("reason").asText()).as("req " + req).contains("'req'");
                assertThat(e.has("req")).as("req " + req).isFalse();
            }
            for (String from : List.of("\"0\"", "null", "1.5", "-1", "18446744073709551616")) {
                ObjectNode e = ask(node, "{\"node\":\"n1\",\"ns\":\"app/web\",\"from\":" + from + ",\"req\":9}");
                assertThat(e.get("code").asText()).as("from " + from).isEqualTo("bad-request");
                assertThat(e.get("reason").asText()).as("from " + from).contains("'from'");
                assertThat(e.get("req").asLong()).isEqualTo(9);
                assertThat(e.get("ns").asText()).isEqualTo("app/web");
            }
            ObjectNode e = ask(node, "{not json");
            assertThat(e.get("code").asText()).isEqualTo("bad-request");
            assertThat(e.has("req")).isFalse();
            assertThat(e.has("ns")).isFalse();

            // The largest int64 is a valid req and is echoed.
            node.send(Message.of(Wire.SYNC).add("{\"node\":\"n1\",\"ns\":\"app/web\",\"from\":0,\"req\":9223372036854775807}"
                    .getBytes(StandardCharsets.UTF_8)));
            String last;
            ObjectNode h;
            do {
                try (Message m = node.receive(WAIT)) {
                    assertThat(m).isNotNull();
                    last = m.string(0);
                    h = Wire.header(m.bytes(1));
                }
                assertThat(h.get("req").asLong()).isEqualTo(Long.MAX_VALUE);
            } while (!last.equals(Wire.SYNCED));
        }
    }

    private static ObjectNode ask(Socket node, String header) {
        node.send(Message.of(Wire.SYNC).add(header.getBytes(StandardCharsets.UTF_8)));
        try (Message m = node.receive(WAIT)) {
            assertThat(m).as("an answer to " + header).isNotNull();
            assertThat(m.string(0)).isEqualTo(Wire.ERROR);
            return Wire.header(m.bytes(1));
        }
    }
}
