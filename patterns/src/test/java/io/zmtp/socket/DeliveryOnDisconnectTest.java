package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.zmtp.socket.pipe.PeerInfo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sender that closes right after its last send (LINGER infinite) loses nothing: messages the
 * receiver already holds when the connection ends are still delivered, as libzmq does. (Found by
 * the perf tools: remote_thr closes at once, and local_thr waited for messages that were dropped.)
 */
class DeliveryOnDisconnectTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of("tcp", "ipc", "inproc").flatMap(t -> Stream.of(Arguments.of(t, true), Arguments.of(t, false)));
    }

    @ParameterizedTest(name = "{0}, receiver binds: {1}")
    @MethodSource("cases")
    void everyMessageSentBeforeCloseArrives(String transport, boolean receiverBinds) {
        Socket push = ctx.socket(SocketType.PUSH);
        Socket pull = ctx.socket(SocketType.PULL);
        push.options().linger(-1);
        pull.options().linger(0).receiveTimeout(10_000);
        String endpoint = switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:*";
            case "ipc" -> "ipc://*";
            default -> "inproc://delivery-" + NAMES.incrementAndGet();
        };
        if (receiverBinds) {
            push.connect(pull.bind(endpoint));
        } else {
            pull.connect(push.bind(endpoint));
            // A bound PUSH with no peer yet would hold the messages (libzmq's send blocks then).
            await().atMost(Duration.ofSeconds(10)).until(() -> push.peers().stream().anyMatch(PeerInfo::connected));
        }
        int count = 1000;
        for (int i = 0; i < count; i++) {
            assertThat(push.send(Message.of("m" + i))).isTrue();
        }
        push.close();
        for (int i = 0; i < count; i++) {
            try (Message m = pull.receive()) {
                assertThat(m).as("message %d of %d", i, count).isNotNull();
                assertThat(m.string(0)).isEqualTo("m" + i);
            }
        }
    }
}
