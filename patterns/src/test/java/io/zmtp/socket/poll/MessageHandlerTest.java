package io.zmtp.socket.poll;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The event-driven receive: a handler called on the socket's loop for each message. */
class MessageHandlerTest {
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

    @Test
    void messagesReachTheHandlerOnTheLoopInOrderAfterThoseAlreadyWaiting() {
        Socket push = ctx.socket(SocketType.PUSH);
        Socket pull = ctx.socket(SocketType.PULL);
        push.options().linger(0);
        pull.options().linger(0).receiveTimeout(WAIT.toMillis());
        push.connect(pull.bind("inproc://handler"));
        for (int i = 0; i < 10; i++) {
            push.send(Message.of("early" + i));
        }
        await().atMost(WAIT).until(pull::isReadable);

        List<String> got = new CopyOnWriteArrayList<>();
        List<Boolean> onLoop = new CopyOnWriteArrayList<>();
        pull.onMessage(m -> {
            try (m) {
                got.add(m.string(0));
                onLoop.add(Thread.currentThread() instanceof FastThreadLocalThread);
            }
        });
        for (int i = 0; i < 990; i++) {
            push.send(Message.of("late" + i));
        }
        await().atMost(WAIT).until(() -> got.size() == 1000);
        assertThat(got.subList(0, 10)).containsExactly(
                "early0", "early1", "early2", "early3", "early4", "early5", "early6", "early7", "early8", "early9");
        for (int i = 0; i < 990; i++) {
            assertThat(got.get(10 + i)).isEqualTo("late" + i);
        }
        assertThat(onLoop).containsOnly(true);

        // Switched off, messages wait for receive() again.
        pull.onMessage(null);
        push.send(Message.of("polled"));
        try (Message m = pull.receive()) {
            assertThat(m.string(0)).isEqualTo("polled");
        }
        assertThat(got).hasSize(1000);
    }
}
