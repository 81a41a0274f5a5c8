package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

/**
 * GATHER (libzmq's draft API): PULL for many threads. Fair-queues the one-frame messages of its
 * SCATTER peers (a multi-frame one is dropped, as libzmq drops it); any number of threads may
 * receive at once. Cannot send.
 */
public final class Gather extends FairQueueing {
    public Gather(ZmtpContext context) {
        super(context, SocketType.GATHER);
    }

    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        return SingleFrame.keep(message);
    }
}
