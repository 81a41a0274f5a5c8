package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

/**
 * CHANNEL (libzmq's draft API): PAIR for many threads. Exactly one CHANNEL peer, one-frame
 * messages (a multi-frame send throws, a multi-frame message from the peer is dropped); any number
 * of threads may send and receive at once.
 */
public final class Channel extends SinglePeer {
    public Channel(ZmtpContext context) {
        super(context, SocketType.CHANNEL);
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
