package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A sent message travels as itself (no copy into a codec message), so what the caller may still do
 * with it after the send is what this test holds: closing it does nothing (a try-with-resources
 * around a send is safe, even while the message is still on its way), changing or sending it again
 * throws at once, and the receiver gets its frames intact, pooled ones released exactly once.
 */
class MessageHandOverTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    private Socket[] pushPull(String transport) {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        String endpoint = pull.bind(transport.equals("tcp") ? "tcp://127.0.0.1:*" : "inproc://hand-over-" + System.nanoTime());
        push.connect(endpoint);
        return new Socket[] {push, pull};
    }

    private static ByteBuf pooled(String text) {
        return PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void closingASentMessageLeavesItToTheSocket(String transport) {
        Socket[] s = pushPull(transport);
        ByteBuf[] frames = new ByteBuf[200];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = pooled("m" + i);
            try (Message m = new Message().add(pooled("head")).add(frames[i])) {
                assertThat(s[0].send(m)).isTrue();
            }
        }
        for (int i = 0; i < frames.length; i++) {
            try (Message got = s[1].receive()) {
                assertThat(got).as("message %d", i).isNotNull();
                assertThat(got.strings()).containsExactly("head", "m" + i);
            }
        }
        for (ByteBuf f : frames) {
            assertThat(f.refCnt()).as("released once, by whoever held it last").isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void aSentMessageCannotBeChangedOrSentAgain(String transport) {
        Socket[] s = pushPull(transport);
        Message m = Message.of("once");
        assertThat(s[0].send(m)).isTrue();
        assertThatThrownBy(() -> s[0].send(m)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already sent");
        assertThatThrownBy(() -> m.add("more")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(m::pop).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.push(new byte[1])).isInstanceOf(IllegalStateException.class);
        try (Message got = s[1].receive()) {
            assertThat(got.strings()).containsExactly("once");
        }
        assertThat(s[1].tryReceive()).as("sent once only").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void aClosedMessageIsRefusedAndEmpty(String transport) {
        Socket[] s = pushPull(transport);
        ByteBuf f = pooled("x");
        Message m = new Message().add(f);
        m.close();
        assertThat(f.refCnt()).isZero();
        assertThat(m.isEmpty()).isTrue();
        assertThatThrownBy(() -> s[0].send(m)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s[0].sendAsync(m)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void aReceivedMessageMayBeSentOn(String transport) {
        Socket[] first = pushPull(transport);
        Socket[] second = pushPull(transport);
        ByteBuf f = pooled("relay");
        assertThat(first[0].send(new Message().add(f))).isTrue();
        Message relayed = first[1].receive();
        assertThat(second[0].send(relayed)).isTrue();
        relayed.close();
        try (Message got = second[1].receive()) {
            assertThat(got.strings()).containsExactly("relay");
        }
        assertThat(f.refCnt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void aSendThatTimedOutLeavesTheMessageToTheCaller(String transport) {
        Socket push = socket(SocketType.PUSH);
        push.options().sendHwm(1);
        push.connect(transport.equals("tcp") ? "tcp://127.0.0.1:1" : "inproc://nobody-" + System.nanoTime());
        // Nobody takes anything: the pipe and the hand-off fill after a message or two.
        ByteBuf f;
        Message m;
        int taken = 0;
        while (true) {
            f = pooled("kept");
            m = new Message().add(f);
            if (!push.trySend(m)) {
                break;
            }
            assertThat(++taken).as("messages taken with SNDHWM 1 and no peer").isLessThanOrEqualTo(2);
        }
        m.add(Unpooled.wrappedBuffer(new byte[1]));
        assertThat(m.size()).isEqualTo(2);
        m.close();
        assertThat(f.refCnt()).isZero();
    }
}
