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

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, item 1: PROTOCOL.md said a REQ socket could replace the DEALER, but a SYNC is answered
 * with several messages and a REPORT with none, so a REQ agent hit EFSM and never converged. A
 * node's SYNC or REPORT from a REQ socket now gets one ERROR bad-request saying a DEALER is needed
 * (one answer, which a REQ can take); an admin's ADMIN request, answered once, still works on REQ.
 */
class ReqSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aNodeOnAReqSocketIsToldToUseADealerAndAnAdminOnReqIsAnswered() {
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore store = H2ConfigStore.inMemory(StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, new Whitelist().node("n1", "pw", "app/*").admin("ops", "adm"),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx);
             Socket node = ctx.socket(SocketType.REQ);
             Socket admin = ctx.socket(SocketType.REQ)) {
            server.publish("app/web", List.of(Change.put("k", "v")), "ops", "one");
            node.options().linger(0).plainCredentials("n1", "pw");
            node.connect(server.syncEndpoint());
            for (String command : List.of(Wire.SYNC, Wire.REPORT)) {
                ObjectNode h = Wire.object();
                h.put("node", "n1");
                h.put("ns", "app/web");
                h.put("from", 0);
                h.put("rev", 1);
                h.put("digest", store.snapshot("app/web").digest());
                h.put("applied", 0);
                h.put("req", 5);
                node.send(Wire.command(command, h));
                try (Message m = node.receive(WAIT)) {
                    assertThat(m).as("one answer to " + command).isNotNull();
                    assertThat(m.string(0)).isEqualTo(Wire.ERROR);
                    ObjectNode e = Wire.header(m.bytes(1));
                    assertThat(e.get("code").asText()).isEqualTo("bad-request");
                    assertThat(e.get("reason").asText()).contains("DEALER");
                    assertThat(e.get("req").asLong()).isEqualTo(5);
                }
            }

            admin.options().linger(0).plainCredentials("ops", "adm");
            admin.connect(server.syncEndpoint());
            ObjectNode h = Wire.object();
            h.put("op", "get");
            h.put("ns", "app/web");
            h.put("req", 1);
            admin.send(Wire.command(Wire.ADMIN, h));
            try (Message m = admin.receive(WAIT)) {
                assertThat(m).isNotNull();
                assertThat(m.string(0)).isEqualTo(Wire.RESULT);
                assertThat(Wire.header(m.bytes(1)).get("rev").asLong()).isEqualTo(1);
            }
        }
    }
}
