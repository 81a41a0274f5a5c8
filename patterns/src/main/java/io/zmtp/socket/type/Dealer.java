package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.LoadBalancer;

/**
 * DEALER (RFC 28): load-balances outgoing messages and fair-queues incoming ones, with no envelope
 * handling (to talk to REP, send the empty delimiter frame yourself).
 */
public final class Dealer extends Socket {
    private final LoadBalancer balancer = new LoadBalancer();

    public Dealer(ZmtpContext context) {
        super(context, SocketType.DEALER);
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
}
