package io.zmtp.socket.type;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketOptions;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.RoutingIdTable;

import static io.zmtp.socket.SocketTypeSupport.*;


/**
 * ROUTER (RFC 28): every received message gets its peer's routing id as a first frame; every sent
 * message names its peer in its first frame, which is removed. A peer is known by the Identity it
 * announced or, if none, by a generated 5-byte id starting with 0x00. Messages for an unknown id
 * or a full peer are dropped; with ROUTER_MANDATORY an unknown id throws
 * {@link HostUnreachableException} and a full peer makes the sender wait. A second peer announcing
 * an id in use is ignored, as libzmq does without ROUTER_HANDOVER. A connect made with
 * CONNECT_ROUTING_ID gives its peer that id at once: messages to it queue until it is connected,
 * and it keeps the id across reconnects, whatever it announces.
 */
public final class Router extends Socket {
    private final RoutingIdTable table = new RoutingIdTable();

    public Router(ZmtpContext context) {
        super(context, SocketType.ROUTER);
    }

    @Override
    protected byte[] assignRoutingId(Pipe pipe, byte[] announced) {
        byte[] given = table.pinnedId(pipe);
        if (given != null) {
            return given;
        }
        byte[] id = announced != null && announced.length > 0 ? announced : table.generate();
        if (table.register(id, pipe)) {
            return id;
        }
        if (!options().routerHandover()) {
            return null;
        }
        // ROUTER_HANDOVER: the newcomer takes the id; the connection that had it is closed.
        Pipe old = table.lookup(id);
        table.replace(id, pipe);
        if (old != null && old != pipe) {
            old.dropConnection();
        }
        return id;
    }

    @Override
    protected String presetRoutingId(Pipe pipe, byte[] id) {
        return table.pin(id, pipe) ? null
                : "CONNECT_ROUTING_ID " + ByteBufUtil.hexDump(id) + " is the routing id of another peer of this ROUTER";
    }

    @Override
    protected void attach(Pipe pipe) {
        if (options().probeRouter()) {
            Probe.send(pipe);
        }
    }

    @Override
    protected void connected(Pipe pipe) {
        if ((options().routerNotify() & SocketOptions.NOTIFY_CONNECT) != 0) {
            receivedFrom(pipe, Message.of(Unpooled.EMPTY_BUFFER));
        }
    }

    @Override
    protected void detach(Pipe pipe) {
        forget(pipe);
    }

    @Override
    protected void disconnected(Pipe pipe) {
        if ((options().routerNotify() & SocketOptions.NOTIFY_DISCONNECT) != 0 && pipe.routingId() != null
                && table.lookup(pipe.routingId()) == pipe) {
            receivedFrom(pipe, Message.of(Unpooled.EMPTY_BUFFER));
        }
        if (!table.isPinned(pipe)) {
            forget(pipe);
        }
    }

    private void forget(Pipe pipe) {
        table.forget(pipe);
    }

    @Override
    protected void checkSend(Message message) {
        if (message.size() < 2) {
            throw new IllegalArgumentException("ROUTER: a message needs the routing id frame and at least one more");
        }
        if (options().routerMandatory() && !table.contains(message.bytes(0))) {
            throw new HostUnreachableException("ROUTER: no peer with routing id " + ByteBufUtil.hexDump(message.frame(0)));
        }
    }

    /** Each message goes to one peer: it may be routed on the sending thread. */
    @Override
    protected boolean routesOnCaller() {
        return true;
    }

    @Override
    protected boolean route(Message message) {
        ByteBuf idFrame = message.frame(0);
        Pipe p = table.lookup(idFrame.nioBuffer());
        if (p == null || !p.isReady() && !table.isPinned(p)) {
            discard(message);
            return true;
        }
        if (!p.hasRoomOut()) {
            if (options().routerMandatory()) {
                p.recordHwmHit();
                return false;
            }
            p.recordDrop();
            discard(message);
            return true;
        }
        popFrame(message).release();
        p.enqueue(toWire(message));
        return true;
    }

    @Override
    protected Message accept(Pipe pipe, ZmtpMessage message) {
        Message m = fromWire(this, message);
        m.push(Unpooled.wrappedBuffer(pipe.routingId()));
        return m;
    }

    /** True when a peer with routing id {@code id} is connected. */
    public boolean hasPeer(byte[] id) {
        return table.contains(id);
    }

}
