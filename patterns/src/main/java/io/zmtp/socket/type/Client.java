package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

/**
 * CLIENT (RFC 41): load-balances what it sends over its SERVER peers and fair-queues what it
 * receives, like DEALER, but every message is one frame and any number of threads may send and
 * receive on it at once. A multi-frame send throws; a multi-frame message from a peer is dropped,
 * as libzmq's CLIENT drops it.
 */
public final class Client extends LoadBalancing {
    public Client(ZmtpContext context) {
        super(context, SocketType.CLIENT);
    }

    @Override
    protected void checkSend(Message message) {
        SingleFrame.check(type(), message);
    }

    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        return SingleFrame.keep(message);
    }
}
