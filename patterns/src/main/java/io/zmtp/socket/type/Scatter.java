package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

/**
 * SCATTER (libzmq's draft API): PUSH for many threads. Load-balances one-frame messages over its
 * GATHER peers, waiting while none has room; any number of threads may send at once. Cannot receive.
 */
public final class Scatter extends LoadBalancing {
    public Scatter(ZmtpContext context) {
        super(context, SocketType.SCATTER);
    }

    @Override
    protected void checkSend(Message message) {
        SingleFrame.check(type(), message);
    }

    @Override
    protected void checkReceive() {
        throw new UnsupportedOperationException("a SCATTER socket cannot receive");
    }

    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        // A GATHER sends nothing; whatever comes is dropped, as libzmq's SCATTER drops it.
        message.release();
        return false;
    }
}
