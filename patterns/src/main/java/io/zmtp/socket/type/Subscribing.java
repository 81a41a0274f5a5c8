package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.command.Subscribe;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.SubscriptionCounter;

/**
 * What SUB and XSUB share: counted subscriptions, sent again to every publisher on each
 * (re)connection (as commands to 3.1 peers, as 0x01 messages to 3.0 peers: the encoder decides).
 */
abstract class Subscribing extends Socket {
    /** Touched on the socket's loop only. */
    final SubscriptionCounter subscriptions = new SubscriptionCounter();

    Subscribing(ZmtpContext context, SocketType type) {
        super(context, type);
    }

    @Override
    protected void attach(Pipe pipe) {
    }

    @Override
    protected void detach(Pipe pipe) {
    }

    @Override
    protected void connected(Pipe pipe) {
        for (byte[] topic : subscriptions.topics()) {
            pipe.writeCommand(new Subscribe(topic));
        }
    }
}
