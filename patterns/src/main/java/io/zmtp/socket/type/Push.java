package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.ZmtpContext;

/** PUSH (RFC 30): load-balances messages over its PULL peers; blocks when none has room. Cannot receive. */
public final class Push extends LoadBalancing {
    public Push(ZmtpContext context) {
        super(context, SocketType.PUSH);
    }

    @Override
    protected void checkReceive() {
        throw new UnsupportedOperationException("a PUSH socket cannot receive");
    }
}
