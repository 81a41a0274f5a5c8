package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import static io.zmtp.socket.SocketTypeSupport.*;

/** PULL (RFC 30): fair-queues messages from its PUSH peers. Cannot send. */
public final class Pull extends Socket {
    public Pull(ZmtpContext context) {
        super(context, SocketType.PULL);
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
        throw new UnsupportedOperationException("a PULL socket cannot send");
    }
}
