package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A user's own ZAP handler on inproc://zeromq.zap.01 decides, as with libzmq (RFC 27). */
class ZapHandlerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;
    private Thread handler;
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0);
        rep.bind(ZapClient.ENDPOINT);
        handler = new Thread(() -> {
            try {
                while (true) {
                    Message req = rep.receive(Duration.ofSeconds(30));
                    if (req == null) {
                        return;
                    }
                    List<String> f;
                    try (req) {
                        f = req.strings();
                    }
                    requests.add(f);
                    // version, id, domain, address, identity, mechanism, username, password
                    boolean ok = f.get(5).equals("PLAIN") && f.get(6).equals("alice") && f.get(7).equals("wonderland");
                    rep.send(Message.of("1.0", f.get(1), ok ? "200" : "400", ok ? "OK" : "no such user",
                            ok ? "user-alice" : "", ""));
                }
            } catch (IllegalStateException closed) {
                // the context closed the handler's socket
            }
        }, "zap-handler");
        handler.setDaemon(true);
        handler.start();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        ctx.close();
        handler.join(5000);
    }

    @Test
    void theHandlerAdmitsAndNamesOrRefuses() {
        try (ZapClient zap = new ZapClient(ctx)) {
            Socket server = ctx.socket(SocketType.REP);
            server.options().linger(0).receiveTimeout(WAIT.toMillis()).plainServer(zap).zapDomain("global");
            String ep = server.bind("tcp://127.0.0.1:*");

            Socket good = ctx.socket(SocketType.REQ);
            good.options().linger(0).receiveTimeout(WAIT.toMillis()).plainCredentials("alice", "wonderland");
            good.connect(ep);
            good.send(Message.of("hi"));
            try (Message m = server.receive()) {
                assertThat(m.string(0)).isEqualTo("hi");
                assertThat(m.userId()).isEqualTo("user-alice");
            }
            assertThat(requests.get(0).subList(0, 8)).containsExactly("1.0", "1", "global", "127.0.0.1", "",
                    "PLAIN", "alice", "wonderland");

            Socket bad = ctx.socket(SocketType.REQ);
            List<SocketEvent> events = new CopyOnWriteArrayList<>();
            bad.addEventListener(events::add);
            bad.options().linger(0).plainCredentials("alice", "guess");
            bad.connect(ep);
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
        }
    }
}
