package io.zmtp.config.cli;

import io.zmtp.codec.SocketType;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile-input finding C: a PLAIN user name with ANSI escapes and a newline (no login needed)
 * was printed raw in the status table and in the logs (the codec's handshake line too), so an
 * attacker could clear the operator's screen and forge rows and log lines.
 */
class ForgedUserNameTest {
    private static final String FORGED = "x\u001b[2J\nFAKE ROW web-9 app/web 7 7 deadbeef yes";

    @Test
    void aHostileUserNameIsShownEscapedInStatusAndInTheLog() {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore store = H2ConfigStore.inMemory(StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, new Whitelist().node("web-1", "pw", "app/web").admin("ops", "adm"),
                     "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx)) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            for (String endpoint : new String[] {server.updatesEndpoint(), server.syncEndpoint()}) {
                Socket s = ctx.socket(endpoint.equals(server.syncEndpoint()) ? SocketType.DEALER : SocketType.SUB);
                s.options().linger(0).plainCredentials(FORGED, "guess");
                s.connect(endpoint);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> server.tracker().refusals().stream()
                    .anyMatch(r -> FORGED.equals(r.user()) && r.ports().size() == 2));
            System.setOut(new PrintStream(table, true, StandardCharsets.UTF_8));
            ConfigCenterCommand.run("status", "--server", server.syncEndpoint(), "--admin=ops", "--admin-password=adm");
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        String shown = table.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("x\\u001b[2J\\nFAKE ROW").doesNotContain("\u001b");
        assertThat(shown.lines()).noneMatch(l -> l.startsWith("FAKE ROW"));
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).as(logged).contains("x\\u001b[2J\\nFAKE ROW").doesNotContain("\u001b");
        assertThat(logged.lines()).as(logged).noneMatch(l -> l.startsWith("FAKE ROW"));
    }
}
