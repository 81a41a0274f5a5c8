package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import static io.zmtp.socket.SocketTypeSupport.*;

/** What PULL and GATHER share: they only receive, fair-queued from every peer (libzmq's fq_t); a send throws. */
abstract class FairQueueing extends Socket {
    FairQueueing(ZmtpContext context, SocketType type) {
        super(context, type);
    }

    @Override
    protected void attach(Pipe pipe) {
    }

    @Override
    protected void detach(Pipe pipe) {
    }

    @Override
    protected boolean route(Message message) {
        discard(message);
        return true;
    }

    @Override
    protected void checkSend(Message message) {
        throw new UnsupportedOperationException("a " + type() + " socket cannot send");
    }
}
