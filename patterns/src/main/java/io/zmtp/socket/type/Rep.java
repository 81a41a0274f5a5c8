package io.zmtp.socket.type;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import java.util.ArrayList;
import java.util.List;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * REP (RFC 28): receives requests fair-queued from its peers, strips and keeps their envelope
 * (every frame up to the empty delimiter), and sends the reply back with it to the peer it came
 * from. Calls must alternate receive, send; a request without a delimiter is discarded.
 */
public final class Rep extends Socket {
    /** The envelope of one request and the peer to answer. */
    private record Envelope(Pipe pipe, List<ByteBuf> frames) {
        void release() {
            frames.forEach(ByteBuf::release);
        }
    }

    private Envelope current;
    private boolean mustReply;

    public Rep(ZmtpContext context) {
        super(context, SocketType.REP);
    }

    @Override
    protected void attach(Pipe pipe) {
    }

    @Override
    protected void detach(Pipe pipe) {
    }

    @Override
    protected void checkReceive() {
        if (mustReply) {
            throw new IllegalStateException("REP: send the reply to the last request before receiving again (EFSM)");
        }
    }

    @Override
    protected void checkSend(Message message) {
        if (!mustReply) {
            throw new IllegalStateException("REP: receive a request before sending (EFSM)");
        }
    }

    @Override
    protected void prepareSend(Message message) {
        replyTo(message, current);
        current = null;
        mustReply = false;
    }

    @Override
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        int delimiter = -1;
        for (int i = 0; i < message.size(); i++) {
            if (!message.frame(i).isReadable()) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0) {
            message.release();
            return null;
        }
        Message m = fromWire(this, message);
        List<ByteBuf> envelope = new ArrayList<>(delimiter + 1);
        for (int i = 0; i <= delimiter; i++) {
            envelope.add(m.pop());
        }
        replyTo(m, new Envelope(pipe, envelope));
        return m;
    }

    @Override
    protected Message acceptReceived(Message message) {
        current = (Envelope) replyTo(message);
        replyTo(message, null);
        mustReply = true;
        return message;
    }

    /** Each message goes to one peer: it may be routed on the sending thread. */
    @Override
    protected boolean routesOnCaller() {
        return true;
    }

    @Override
    protected boolean route(Message message) {
        Envelope env = (Envelope) replyTo(message);
        replyTo(message, null);
        Pipe p = env.pipe;
        if (p.isClosed() || !p.hasRoomOut()) {
            // The requester is gone or not taking replies: the reply is dropped, as in libzmq.
            env.release();
            discard(message);
            p.recordDrop();
            return true;
        }
        for (int i = env.frames.size() - 1; i >= 0; i--) {
            pushFrame(message, env.frames.get(i));
        }
        p.enqueue(toWire(message));
        return true;
    }

    @Override
    protected void closed() {
        if (current != null) {
            current.release();
            current = null;
        }
    }
}
