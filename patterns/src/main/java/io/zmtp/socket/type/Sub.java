package io.zmtp.socket.type;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import java.nio.charset.StandardCharsets;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * SUB (RFC 29): receives, fair-queued, the messages of its publishers whose first frame starts
 * with one of its subscriptions. Subscriptions are counted as libzmq counts them: each
 * {@link #subscribe} sends SUBSCRIBE, and CANCEL goes out only when a topic's count reaches zero.
 * They are sent again on every reconnect, and filtered here too, so messages in flight after an
 * unsubscribe are still dropped. Cannot send.
 */
public final class Sub extends Subscribing {
    public Sub(ZmtpContext context) {
        super(context, SocketType.SUB);
    }

    /** Subscribes to messages starting with {@code prefix} (empty: everything). */
    public void subscribe(byte[] prefix) {
        checkOpen();
        byte[] topic = prefix.clone();
        runOnLoop(() -> {
            subscriptions.subscribe(topic);
            for (Pipe p : pipes()) {
                p.writeCommand(new Subscribe(topic));
            }
            flushPipes();
        });
    }

    public void subscribe(String prefix) {
        subscribe(prefix.getBytes(StandardCharsets.UTF_8));
    }

    /** Withdraws one {@link #subscribe} of {@code prefix}. */
    public void unsubscribe(byte[] prefix) {
        checkOpen();
        byte[] topic = prefix.clone();
        runOnLoop(() -> {
            if (subscriptions.unsubscribe(topic) == 0) {
                for (Pipe p : pipes()) {
                    p.writeCommand(new Cancel(topic));
                }
                flushPipes();
            }
        });
    }

    public void unsubscribe(String prefix) {
        unsubscribe(prefix.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        ByteBuf first = message.frame(0);
        if (subscriptions.matches(first) == options().invertMatching()) {
            message.release();
            return null;
        }
        return fromWire(this, message);
    }

    @Override
    protected boolean route(Message message) {
        discard(message);
        return true;
    }

    @Override
    protected void checkSend(Message message) {
        throw new UnsupportedOperationException("a SUB socket cannot send; use subscribe()");
    }
}
