package io.zmtp.socket;

import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.pipe.PeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SNDHWM and RCVHWM count messages; the byte bounds beside them hold a peer's queues to a number
 * of bytes whatever the messages' size (hostile-input issue: memory per connection bounded no
 * matter how large the messages). Nothing is lost: senders wait, as at a count HWM.
 */
class ByteHwmTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int SIZE = 64 * 1024;
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private static Message big(int i) {
        byte[] body = new byte[SIZE];
        body[0] = (byte) i;
        body[1] = (byte) (i >> 8);
        return new Message().add(Unpooled.wrappedBuffer(body));
    }

    /** Sends until a send waits longer than 300 ms; returns how many went. */
    private static int sendUntilBlocked(Socket push, int most) {
        int sent = 0;
        while (sent < most) {
            Message m = big(sent);
            if (!push.send(m, Duration.ofMillis(300))) {
                m.close();
                break;
            }
            sent++;
        }
        return sent;
    }

    private static void receiveInOrder(Socket pull, int count) {
        for (int i = 0; i < count; i++) {
            try (Message m = pull.receive(WAIT)) {
                assertThat(m).as("message %d of %d", i, count).isNotNull();
                assertThat(m.frame(0).readableBytes()).isEqualTo(SIZE);
                int n = (m.frame(0).getByte(0) & 0xff) | (m.frame(0).getByte(1) & 0xff) << 8;
                assertThat(n).isEqualTo(i & 0xffff);
            }
        }
    }

    @Test
    void aReceiverHoldsNoMoreThanItsByteBoundOfMessagesItHasNotTaken() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0).receiveHwm(100_000).receiveHwmBytes(1 << 20);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0).sendHwm(50);
        push.connect("tcp://127.0.0.1:" + pull.boundPort());
        await().atMost(WAIT).until(() -> !pull.peers().isEmpty() && pull.peers().get(0).connected());

        int sent = sendUntilBlocked(push, 2000);
        long in = pull.peers().stream().mapToLong(PeerInfo::messagesIn).sum();
        // In the receiver's pipe and its read-ahead, each at most 1 MiB plus the message that
        // crossed the bound (with counts only it took all the sender had: sent - 50 and more).
        assertThat(in * SIZE).isLessThanOrEqualTo(2L * (1 << 20) + 2L * SIZE);
        assertThat(sent).isLessThan(2000);
        receiveInOrder(pull, sent);
    }

    @Test
    void aSendersQueueForAPeerHoldsNoMoreThanItsByteBound() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0).receiveHwm(1).receiveHwmBytes(SIZE);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0).sendHwm(100_000).sendHwmBytes(1 << 20);
        push.connect("tcp://127.0.0.1:" + pull.boundPort());
        await().atMost(WAIT).until(() -> !push.peers().isEmpty() && push.peers().get(0).connected());

        int sent = sendUntilBlocked(push, 5000);
        PeerInfo peer = push.peers().get(0);
        assertThat(peer.outboundBytes()).isLessThanOrEqualTo((1 << 20) + SIZE);
        assertThat(sent).isLessThan(5000);
        receiveInOrder(pull, sent);
    }

    @Test
    void badByteBoundsAreRefusedNamingTheOption() {
        Socket s = ctx.socket(SocketType.PUSH);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.options().sendHwmBytes(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SNDHWM");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.options().receiveHwmBytes(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RCVHWM");
    }
}
