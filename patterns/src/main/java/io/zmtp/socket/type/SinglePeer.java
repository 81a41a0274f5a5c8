package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;

import static io.zmtp.socket.SocketTypeSupport.*;

/** What PAIR and CHANNEL share: exactly one peer; a second connection is refused. Blocks when the peer is full. */
abstract class SinglePeer extends Socket {
    private Pipe peer;

    SinglePeer(ZmtpContext context, SocketType type) {
        super(context, type);
    }

    @Override
    protected boolean admits(Pipe pipe) {
        return peer == null || peer == pipe;
    }

    @Override
    protected void attach(Pipe pipe) {
        if (peer == null) {
            peer = pipe;
        }
    }

    @Override
    protected void detach(Pipe pipe) {
        if (peer == pipe) {
            peer = null;
        }
    }

    /** Each message goes to one peer: it may be routed on the sending thread. */
    @Override
    protected boolean routesOnCaller() {
        return true;
    }

    @Override
    protected boolean route(Message message) {
        if (peer == null || !peer.hasRoomOut() || options().immediate() && !peer.isReady()) {
            return false;
        }
        peer.enqueue(toWire(message));
        return true;
    }
}
