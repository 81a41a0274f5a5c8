package io.zmtp.socket.type;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * REQ (RFC 28): sends a request to one peer in turn, with an empty delimiter frame in front, and
 * accepts the reply only from that peer. Calls must alternate send, receive, send...; a call out
 * of order throws {@link IllegalStateException} (libzmq: EFSM). With REQ_RELAXED a new request may
 * be sent before the reply (the old one is abandoned); with REQ_CORRELATE each request carries a
 * 4-byte id (host byte order, as libzmq) and only the reply with that id is accepted.
 */
public final class Req extends LoadBalancing {
    private static final Logger log = LoggerFactory.getLogger(Req.class);

    // application side
    private boolean awaitingReply;
    private long sentGeneration;
    private int nextRequestId = ThreadLocalRandom.current().nextInt();
    // loop side
    private long routedGeneration;
    private Pipe replyPipe;
    private int expectedId;
    private boolean correlating;

    public Req(ZmtpContext context) {
        super(context, SocketType.REQ);
    }

    @Override
    protected void detach(Pipe pipe) {
        super.detach(pipe);
        if (replyPipe == pipe) {
            replyPipe = null;
        }
    }

    @Override
    protected void checkSend(Message message) {
        if (awaitingReply && !options().reqRelaxed()) {
            throw new IllegalStateException("REQ: the reply to the last request must be received before the next send (EFSM)");
        }
    }

    @Override
    protected void prepareSend(Message message) {
        message.push(Unpooled.EMPTY_BUFFER);
        if (options().reqCorrelate()) {
            message.push(Unpooled.buffer(4).writeIntLE(nextRequestId++));
        }
        awaitingReply = true;
        sentGeneration++;
    }

    @Override
    protected void checkReceive() {
        if (!awaitingReply) {
            throw new IllegalStateException("REQ: send a request before receiving (EFSM)");
        }
    }

    @Override
    void routed(Pipe pipe, Message message) {
        routedGeneration++;
        replyPipe = pipe;
        correlating = options().reqCorrelate();
        if (correlating) {
            expectedId = message.frame(0).getIntLE(message.frame(0).readerIndex());
        }
    }

    @Override
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        if (pipe != replyPipe) {
            message.release();
            return null;
        }
        int index = 0;
        if (correlating) {
            ByteBuf idFrame = message.frame(0);
            if (message.size() < 2 || idFrame.readableBytes() != 4 || idFrame.getIntLE(idFrame.readerIndex()) != expectedId) {
                message.release();
                return null;
            }
            index = 1;
        }
        if (message.size() <= index || message.frame(index).isReadable()) {
            // libzmq treats a reply without the empty delimiter as a protocol error and drops the connection.
            log.warn("REQ: reply from {} lacks the empty delimiter frame; closing that connection", pipe.endpoint());
            message.release();
            pipe.dropConnection();
            return null;
        }
        Message m = fromWire(this, message);
        for (int i = 0; i <= index; i++) {
            m.pop().release();
        }
        replyTo(m, routedGeneration);
        replyPipe = null;
        return m;
    }

    @Override
    protected Message acceptReceived(Message message) {
        Object generation = replyTo(message);
        if (!(generation instanceof Long g) || g != sentGeneration) {
            message.close();
            return null;
        }
        replyTo(message, null);
        awaitingReply = false;
        return message;
    }
}
