package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.LoadBalancer;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * What PUSH, DEALER and REQ share: each outgoing message goes to the next peer in turn with room
 * below its send HWM, and the sender waits while none has room.
 */
abstract class LoadBalancing extends Socket {
    private final LoadBalancer balancer = new LoadBalancer();

    LoadBalancing(ZmtpContext context, SocketType type) {
        super(context, type);
    }

    @Override
    protected void attach(Pipe pipe) {
        balancer.attach(pipe);
        if (options().probeRouter()) {
            Probe.send(pipe);
        }
    }

    @Override
    protected void detach(Pipe pipe) {
        balancer.detach(pipe);
    }

    /** Each message goes to one peer: it may be routed on the sending thread. */
    @Override
    protected boolean routesOnCaller() {
        return true;
    }

    @Override
    protected boolean route(Message message) {
        Pipe p = balancer.next(options().immediate());
        if (p == null) {
            return false;
        }
        routed(p, message);
        p.enqueue(toWire(message));
        return true;
    }

    /** Called with the peer chosen for {@code message}, just before it is queued there. */
    void routed(Pipe pipe, Message message) {
    }
}
