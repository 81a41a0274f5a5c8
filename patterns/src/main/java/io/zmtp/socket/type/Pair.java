package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.ZmtpContext;

/** PAIR (RFC 31): exactly one peer; a second connection is refused. Blocks when the peer is full. */
public final class Pair extends SinglePeer {
    public Pair(ZmtpContext context) {
        super(context, SocketType.PAIR);
    }
}
