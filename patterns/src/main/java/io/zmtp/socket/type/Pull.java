package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.ZmtpContext;

/** PULL (RFC 30): fair-queues messages from its PUSH peers. Cannot send. */
public final class Pull extends FairQueueing {
    public Pull(ZmtpContext context) {
        super(context, SocketType.PULL);
    }
}
