package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.ZmtpContext;

/**
 * DEALER (RFC 28): load-balances outgoing messages and fair-queues incoming ones, with no envelope
 * handling (to talk to REP, send the empty delimiter frame yourself).
 */
public final class Dealer extends LoadBalancing {
    public Dealer(ZmtpContext context) {
        super(context, SocketType.DEALER);
    }
}
