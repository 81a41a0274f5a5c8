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

import static io.zmtp.socket.SocketEvent.Type.ACCEPTED;
import static io.zmtp.socket.SocketEvent.Type.CLOSED;
import static io.zmtp.socket.SocketEvent.Type.CONNECTED;
import static io.zmtp.socket.SocketEvent.Type.CONNECT_RETRIED;
import static io.zmtp.socket.SocketEvent.Type.DISCONNECTED;
import static io.zmtp.socket.SocketEvent.Type.HANDSHAKE_FAILED_AUTH;
import static io.zmtp.socket.SocketEvent.Type.HANDSHAKE_SUCCEEDED;
import static io.zmtp.socket.SocketEvent.Type.LISTENING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Connection lifecycle events, in the order a libzmq monitor user expects them. */
class MonitorEventsTest {
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

    private static List<SocketEvent.Type> types(List<SocketEvent> events) {
        return events.stream().map(SocketEvent::type).toList();
    }

    @Test
    void connectHandshakeDisconnectReconnectInOrder() {
        List<SocketEvent> server = new CopyOnWriteArrayList<>();
        List<SocketEvent> client = new CopyOnWriteArrayList<>();
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0);
        pull.addEventListener(server::add);
        pull.bind("tcp://127.0.0.1:*");
        int port = pull.boundPort();
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0);
        push.addEventListener(client::add);
        push.connect("tcp://127.0.0.1:" + port);
        await().atMost(WAIT).until(() -> types(client).contains(HANDSHAKE_SUCCEEDED) && types(server).contains(HANDSHAKE_SUCCEEDED));
        assertThat(types(server)).containsSubsequence(LISTENING, ACCEPTED, HANDSHAKE_SUCCEEDED);
        assertThat(types(client)).containsSubsequence(CONNECTED, HANDSHAKE_SUCCEEDED);

        pull.close();
        assertThat(types(server)).endsWith(CLOSED);
        await().atMost(WAIT).until(() -> types(client).contains(CONNECT_RETRIED));
        Socket again = ctx.socket(SocketType.PULL);
        again.options().linger(0);
        again.bind("tcp://127.0.0.1:" + port);
        await().atMost(WAIT).until(() -> types(client).lastIndexOf(HANDSHAKE_SUCCEEDED) > types(client).indexOf(DISCONNECTED));
        assertThat(types(client)).containsSubsequence(CONNECTED, HANDSHAKE_SUCCEEDED, DISCONNECTED, CONNECT_RETRIED,
                CONNECTED, HANDSHAKE_SUCCEEDED);
    }

    @Test
    void aPlainRefusalIsAnAuthEventOnBothSidesWithTheReason() {
        List<SocketEvent> server = new CopyOnWriteArrayList<>();
        List<SocketEvent> client = new CopyOnWriteArrayList<>();
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).plainServer(new PlainPasswordAuthenticator(Map.of("node-1", "pw")));
        rep.addEventListener(server::add);
        rep.bind("tcp://127.0.0.1:*");
        Socket req = ctx.socket(SocketType.REQ);
        req.options().linger(0).plainCredentials("node-2", "pw");
        req.addEventListener(client::add);
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        await().atMost(WAIT).until(() -> types(server).contains(HANDSHAKE_FAILED_AUTH) && types(client).contains(HANDSHAKE_FAILED_AUTH));
        SocketEvent refused = server.stream().filter(e -> e.type() == HANDSHAKE_FAILED_AUTH).findFirst().orElseThrow();
        assertThat(refused.detail()).contains("node-2").contains("400");
        assertThat(types(server)).doesNotContain(HANDSHAKE_SUCCEEDED);
    }

    /** Reads one monitor message in libzmq's format: [code u16 LE, value u32 LE] then the endpoint. */
    private static SocketEvent readMonitor(Socket pair) {
        try (Message m = pair.receive()) {
            assertThat(m).isNotNull();
            assertThat(m.size()).isEqualTo(2);
            io.netty.buffer.ByteBuf head = m.frame(0);
            assertThat(head.readableBytes()).isEqualTo(6);
            SocketEvent.Type type = SocketEvent.Type.ofCode(head.getUnsignedShortLE(head.readerIndex()));
            return new SocketEvent(type, m.string(1), String.valueOf(head.getIntLE(head.readerIndex() + 2)));
        }
    }

    @Test
    void eventsReachAMonitorPairSocketInLibzmqFormat() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0);
        pull.monitor("inproc://monitor.pull", java.util.EnumSet.of(LISTENING, ACCEPTED, HANDSHAKE_SUCCEEDED, DISCONNECTED, CLOSED));
        Socket watcher = ctx.socket(SocketType.PAIR);
        watcher.options().linger(0).receiveTimeout(WAIT.toMillis());
        watcher.connect("inproc://monitor.pull");
        String bound = pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0);
        push.connect(bound);

        SocketEvent listening = readMonitor(watcher);
        assertThat(listening.type()).isEqualTo(LISTENING);
        assertThat(listening.endpoint()).isEqualTo(bound);
        assertThat(listening.type().code()).isEqualTo(0x0008);
        assertThat(readMonitor(watcher).type()).isEqualTo(ACCEPTED);
        assertThat(readMonitor(watcher).type()).isEqualTo(HANDSHAKE_SUCCEEDED);
        push.close();
        assertThat(readMonitor(watcher).type()).isEqualTo(DISCONNECTED);
        pull.close();
        assertThat(readMonitor(watcher).type()).isEqualTo(CLOSED);
        // The monitor says it stopped, even though MONITOR_STOPPED was not among the chosen types.
        assertThat(readMonitor(watcher).type()).isEqualTo(SocketEvent.Type.MONITOR_STOPPED);
    }

    @Test
    void aMonitorEndpointMustBeInproc() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pull.monitor("tcp://127.0.0.1:*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inproc");
    }
}
