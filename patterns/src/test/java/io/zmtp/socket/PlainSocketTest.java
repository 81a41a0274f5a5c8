package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** PLAIN on sockets: the right password gets through, a wrong one is refused, reported, and not retried. */
class PlainSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private Socket server(List<SocketEvent> events) {
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).receiveTimeout(WAIT.toMillis())
                .plainServer(new PlainPasswordAuthenticator(Map.of("admin", "secret")));
        rep.addEventListener(events::add);
        rep.bind("tcp://127.0.0.1:*");
        return rep;
    }

    @Test
    void rightPasswordConnectsAndThePeerShowsItsUserId() {
        List<SocketEvent> serverEvents = new CopyOnWriteArrayList<>();
        Socket rep = server(serverEvents);
        Socket req = ctx.socket(SocketType.REQ);
        req.options().linger(0).receiveTimeout(WAIT.toMillis()).plainCredentials("admin", "secret");
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        req.send(Message.of("hi"));
        try (Message m = rep.receive()) {
            assertThat(m.string(0)).isEqualTo("hi");
            assertThat(m.userId()).isEqualTo("admin");
        }
        assertThat(rep.peers()).singleElement().satisfies(p -> {
            assertThat(p.userId()).isEqualTo("admin");
            assertThat(p.mechanism()).isEqualTo("PLAIN");
            assertThat(p.connected()).isTrue();
            assertThat(p.messagesIn()).isEqualTo(1);
        });
    }

    @Test
    void wrongPasswordIsRefusedReportedAndNotRetried() {
        List<SocketEvent> serverEvents = new CopyOnWriteArrayList<>();
        Socket rep = server(serverEvents);
        Socket req = ctx.socket(SocketType.REQ);
        List<SocketEvent> clientEvents = new CopyOnWriteArrayList<>();
        req.addEventListener(clientEvents::add);
        req.options().linger(0).plainCredentials("admin", "guess");
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        await().atMost(WAIT).until(() -> clientEvents.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
        await().atMost(WAIT).until(() -> serverEvents.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
        assertThat(serverEvents.stream().filter(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH).findFirst().orElseThrow().detail())
                .contains("admin");
        // libzmq does not reconnect after an authentication failure, and neither do we.
        await().atMost(WAIT).until(() -> req.peers().isEmpty());
        assertThat(clientEvents).noneMatch(e -> e.type() == SocketEvent.Type.CONNECT_RETRIED);
    }
}
