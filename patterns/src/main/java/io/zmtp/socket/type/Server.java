package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.IntRoutingIdTable;

import java.util.IdentityHashMap;
import java.util.Map;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * SERVER (RFC 41): every received message carries its CLIENT's routing id
 * ({@link Message#routingId()}), and a message sent with that id goes back to that CLIENT. Messages
 * are one frame; any number of threads may send and receive at once. A send to an id no peer has
 * throws {@link HostUnreachableException} (libzmq: EHOSTUNREACH); a send to a peer at its send HWM
 * waits for room, as libzmq's blocking send does (and with it the sends queued behind it).
 *
 * <p>As in libzmq, a connection this socket makes has its id from the {@code connect} on, kept
 * across reconnects (messages for it queue meanwhile); an accepted one has its id from the end of
 * its handshake until it closes.
 */
public class Server extends Socket {
    private final IntRoutingIdTable table = new IntRoutingIdTable();
    /** Each pipe's id; loop only. */
    private final Map<Pipe, Integer> ids = new IdentityHashMap<>();

    public Server(ZmtpContext context) {
        this(context, SocketType.SERVER);
    }

    Server(ZmtpContext context, SocketType type) {
        super(context, type);
    }

    /** The id of a pipe this socket made (connect side) or admitted; 0 for none. */
    final int idOf(Pipe pipe) {
        Integer id = ids.get(pipe);
        return id == null ? 0 : id;
    }

    @Override
    protected byte[] assignRoutingId(Pipe pipe, byte[] announced) {
        Integer id = ids.get(pipe);
        if (id == null) {
            id = table.register(pipe);
            ids.put(pipe, id);
        }
        return IntRoutingIdTable.bytes(id);
    }

    @Override
    protected void attach(Pipe pipe) {
        if (pipe.isConnectSide() && !ids.containsKey(pipe)) {
            ids.put(pipe, table.register(pipe));
        }
    }

    @Override
    protected void detach(Pipe pipe) {
        forget(pipe);
    }

    @Override
    protected void disconnected(Pipe pipe) {
        if (!pipe.isConnectSide()) {
            forget(pipe);
        }
    }

    private void forget(Pipe pipe) {
        Integer id = ids.remove(pipe);
        if (id != null) {
            table.unregister(id, pipe);
        }
    }

    @Override
    protected void checkSend(Message message) {
        SingleFrame.check(type(), message);
        if (!table.contains(message.routingId())) {
            throw new HostUnreachableException(type() + ": no peer with routing id "
                    + Integer.toUnsignedString(message.routingId()));
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
        if (p == null || !p.isReady() && !p.isConnectSide()) {
            // The peer left after the send was checked: as libzmq, the message goes nowhere.
            discard(message);
            return true;
        }
        if (!p.hasRoomOut()) {
            p.recordHwmHit();
            return false;
        }
        // Local to this socket: the message may reach an inproc peer as itself.
        routingId(message, 0);
        p.enqueue(toWire(message));
        return true;
    }

    /** Stamps each message with its peer's id as it arrives (the id may be gone when it is taken). */
    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        if (!SingleFrame.keep(message)) {
            return false;
        }
        if (message instanceof Message m) {
            routingId(m, idOf(pipe));
        }
        return true;
    }

    @Override
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        // The id stamped on arrival (the pipe's may be gone by now: a DISCONNECT_MSG), else the pipe's.
        int stamped = message instanceof Message src ? src.routingId() : 0;
        Message m = fromWire(this, message);
        routingId(m, stamped != 0 ? stamped : idOf(pipe));
        return m;
    }
}
