package io.zmtp.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.NodeReport;
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

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile-input finding H: REPORTs for made-up namespaces under a wildcard grant were stored
 * forever (20,000 reports: 20,003 rows), never shown, never pruned. Now a REPORT for a namespace
 * the server does not hold is refused with ERROR {@code unknown-namespace} and never stored, one
 * outside the node's grant with {@code forbidden}, and reports stored by an earlier server for
 * namespaces it does not hold are deleted at start.
 */
class MadeUpNamespaceReportsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DIGEST_OF_NOTHING = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    @TempDir
    Path dir;

    private static Message report(String ns) {
        ObjectNode h = Wire.object();
        h.put("node", "web-1");
        h.put("ns", ns);
        h.put("rev", 0);
        h.put("digest", DIGEST_OF_NOTHING);
        h.put("applied", System.currentTimeMillis());
        return Wire.command(Wire.REPORT, h);
    }

    @Test
    void reportsOfNamespacesTheServerDoesNotHoldAreRefusedAndNeverStored() {
        Path data = dir.resolve("data");
        try (H2ConfigStore store = H2ConfigStore.open(data, StoreLimits.defaults())) {
            store.commit("app/web", List.of(Change.put("port", "80")), "test", "");
            // What a server before this fix stored for a made-up namespace.
            store.recordReport(new NodeReport("web-1", "app/junk", 0, DIGEST_OF_NOTHING, Instant.now(), Instant.now()));
        }
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore store = H2ConfigStore.open(data, StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/*").admin("ops", "adm"),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(100), ctx)) {
            assertThat(store.reports()).as("stored junk is pruned at start").isEmpty();
            Socket node = ctx.socket(SocketType.DEALER);
            node.options().linger(0).receiveTimeout(WAIT.toMillis()).plainCredentials("web-1", "pw");
            node.connect(server.syncEndpoint());

            int madeUp = 2000;
            for (int i = 0; i < madeUp; i++) {
                assertThat(node.send(report("app/made-up-" + i), WAIT)).isTrue();
                try (Message answer = node.receive()) {
                    assertThat(answer).isNotNull();
                    assertThat(answer.string(0)).isEqualTo(Wire.ERROR);
                    ObjectNode h = Wire.header(answer.bytes(1));
                    assertThat(h.path("code").asText()).isEqualTo("unknown-namespace");
                    assertThat(h.path("ns").asText()).isEqualTo("app/made-up-" + i);
                }
            }
            node.send(report("other/ns"), WAIT);
            try (Message answer = node.receive()) {
                assertThat(Wire.header(answer.bytes(1)).path("code").asText()).isEqualTo("forbidden");
            }
            node.send(report("app/web"), WAIT);
            await().atMost(WAIT).until(() -> store.reports().stream().anyMatch(r -> r.namespace().equals("app/web")));
            assertThat(store.reports()).extracting(NodeReport::namespace).containsExactly("app/web");
            assertThat(server.tracker().report("web-1", "app/made-up-0")).isNull();
            assertThat(server.refusedReports()).isEqualTo(madeUp + 1);
            assertThat(server.status().path("requests").path("refusedReports").asLong()).isEqualTo(madeUp + 1);
            node.close();
        }
    }
}
