package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.LoadBalancer;

/** PUSH (RFC 30): load-balances messages over its PULL peers; blocks when none has room. Cannot receive. */
public final class Push extends Socket {
    private final LoadBalancer balancer = new LoadBalancer();

    public Push(ZmtpContext context) {
        super(context, SocketType.PUSH);
    }

    @Override
    protected void attach(Pipe pipe) {
        balancer.attach(pipe);
    }

    @Override
    protected void detach(Pipe pipe) {
        balancer.detach(pipe);
    }

    @Override
    protected boolean route(Message message) {
        Pipe p = balancer.next();
        if (p == null) {
            return false;
        }
        p.enqueue(toWire(message));
        return true;
    }

    @Override
    protected void checkReceive() {
        throw new UnsupportedOperationException("a PUSH socket cannot receive");
    }
}
