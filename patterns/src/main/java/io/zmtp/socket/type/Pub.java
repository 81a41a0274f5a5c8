package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

/** PUB (RFC 29): sends each message to every subscriber whose subscription prefixes it; never blocks. Cannot receive. */
public final class Pub extends Publisher {
    public Pub(ZmtpContext context) {
        super(context, SocketType.PUB);
    }

    @Override
    void subscribed(Pipe pipe, byte[] topic, boolean first) {
    }

    @Override
    void unsubscribed(Pipe pipe, byte[] topic) {
    }

    @Override
    boolean upstreamData(Pipe pipe, ZmtpMessage message) {
        message.release();
        return false;
    }

    @Override
    protected void checkReceive() {
        throw new UnsupportedOperationException("a PUB socket cannot receive");
    }
}
