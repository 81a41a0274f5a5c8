package io.zmtp.socket.poll;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollerTest {
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

    private Socket[] pushPull() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0);
        push.connect("tcp://127.0.0.1:" + pull.boundPort());
        return new Socket[] {push, pull};
    }

    @Test
    void reportsWhichSocketHasAMessageAndTimesOutWhenNoneHas() throws Exception {
        Socket[] a = pushPull();
        Socket[] b = pushPull();
        try (Poller poller = new Poller()) {
            int ia = poller.register(a[1], Poller.POLLIN);
            int ib = poller.register(b[1], Poller.POLLIN);
            assertThat(poller.poll(Duration.ofMillis(50))).isZero();
            b[0].send(Message.of("to b"));
            assertThat(poller.poll(WAIT)).isEqualTo(1);
            assertThat(poller.pollin(ib)).isTrue();
            assertThat(poller.pollin(ia)).isFalse();
            try (Message m = b[1].tryReceive()) {
                assertThat(m.string(0)).isEqualTo("to b");
            }
        }
    }

    @Test
    void wakesUpWhenAMessageArrivesWhileWaiting() throws Exception {
        Socket[] s = pushPull();
        try (Poller poller = new Poller()) {
            poller.register(s[1], Poller.POLLIN);
            CompletableFuture<Integer> polling = CompletableFuture.supplyAsync(() -> {
                try {
                    return poller.poll(Duration.ofSeconds(-1));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            s[0].send(Message.of("wake"));
            assertThat(polling.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            s[1].receive().close();
        }
    }

    @Test
    void pollOutSaysWhetherASendWouldWait() throws Exception {
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0).sendHwm(2);
        push.connect("tcp://127.0.0.1:9");
        try (Poller poller = new Poller()) {
            int i = poller.register(push, Poller.POLLOUT);
            assertThat(poller.poll(Duration.ZERO)).isEqualTo(1);
            assertThat(poller.pollout(i)).isTrue();
            // No peer ever connects (port 9 is closed): the pipe and then the hand-off fill up.
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
                Message m = Message.of("x");
                if (!push.trySend(m)) {
                    m.close();
                }
                return !push.isWritable() && push.fullPeers().size() == 1;
            });
            assertThat(poller.poll(Duration.ofMillis(50))).isZero();
            assertThat(poller.pollout(i)).isFalse();
        }
        assertThatThrownBy(() -> new Poller().register(push, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
