package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.IntRoutingIdTable;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * SERVER (RFC 41): every received message carries its CLIENT's routing id
 * ({@link Message#routingId()}), and a message sent with that id goes back to that CLIENT. Messages
 * are one frame; any number of threads may send and receive at once. A send to an id no peer has
 * throws {@link HostUnreachableException} (libzmq: EHOSTUNREACH); a send to a peer at its send HWM
 * waits for room, as libzmq's blocking send does (and with it the sends queued behind it).
 */
public final class Server extends Socket {
    private final IntRoutingIdTable table = new IntRoutingIdTable();

    public Server(ZmtpContext context) {
        super(context, SocketType.SERVER);
    }

    @Override
    protected byte[] assignRoutingId(Pipe pipe, byte[] announced) {
        return IntRoutingIdTable.bytes(table.register(pipe));
    }

    @Override
    protected void attach(Pipe pipe) {
    }

    @Override
    protected void detach(Pipe pipe) {
        forget(pipe);
    }

    @Override
    protected void disconnected(Pipe pipe) {
        forget(pipe);
    }

    private void forget(Pipe pipe) {
        byte[] id = pipe.routingId();
        if (id != null && id.length == 4) {
            table.unregister(IntRoutingIdTable.of(id), pipe);
        }
    }

    @Override
    protected void checkSend(Message message) {
        SingleFrame.check(type(), message);
        if (!table.contains(message.routingId())) {
            throw new HostUnreachableException("SERVER: no peer with routing id " + Integer.toUnsignedString(message.routingId()));
        }
    }

    /** Each message goes to one peer: it may be routed on the sending thread. */
    @Override
    protected boolean routesOnCaller() {
        return true;
    }

    @Override
    protected boolean route(Message message) {
        Pipe p = table.lookup(message.routingId());
        if (p == null || !p.isReady()) {
            // The peer left after the send was checked: as libzmq, the message goes nowhere.
            discard(message);
            return true;
        }
        if (!p.hasRoomOut()) {
            p.recordHwmHit();
            return false;
        }
        // Local to this socket: the message may reach an inproc CLIENT as itself.
        routingId(message, 0);
        p.enqueue(toWire(message));
        return true;
    }

    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        return SingleFrame.keep(message);
    }

    @Override
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        Message m = fromWire(this, message);
        routingId(m, IntRoutingIdTable.of(pipe.routingId()));
        return m;
    }
}
