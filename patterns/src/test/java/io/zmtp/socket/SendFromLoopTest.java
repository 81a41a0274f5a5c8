package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send on the socket's own I/O thread (a message handler, a task on its loop) that finds no room
 * fails at once with a clear error: waiting there would stop the very thread that makes room.
 */
class SendFromLoopTest {
    private final ZmtpContext ctx = new ZmtpContext();

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void aSendThatWouldWaitOnTheLoopFailsAtOnce() throws Exception {
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().sendHwm(1).linger(0);
        // No peer: the first message waits in the hand-off and fills it.
        assertThat(push.trySend(Message.of("first"))).isTrue();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        push.runOnLoop(() -> {
            Message tried = Message.of("tried");
            Message blocking = Message.of("blocking");
            try {
                boolean sentWithoutWaiting = push.trySend(tried);
                push.send(blocking);
                outcome.complete("sent; trySend said " + sentWithoutWaiting);
            } catch (Throwable t) {
                outcome.complete(t);
            } finally {
                tried.close();
                blocking.close();
            }
        });
        Object result = outcome.get(10, TimeUnit.SECONDS);
        assertThat(result).isInstanceOf(IllegalStateException.class);
        assertThat(((Throwable) result).getMessage()).contains("own I/O thread").contains("sendAsync");
    }

    @Test
    void aSendWithRoomOnTheLoopGoesThrough() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0);
        pull.bind("inproc://from-loop");
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0);
        push.connect("inproc://from-loop");
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        push.runOnLoop(() -> sent.complete(push.send("on the loop")));
        assertThat(sent.get(10, TimeUnit.SECONDS)).isTrue();
        try (Message m = pull.receive(java.time.Duration.ofSeconds(10))) {
            assertThat(m).isNotNull();
            assertThat(m.string(0)).isEqualTo("on the loop");
        }
    }
}
