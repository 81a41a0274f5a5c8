package io.zmtp.socket.type;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.RoutingIdTable;

import static io.zmtp.socket.SocketTypeSupport.*;

/**
 * STREAM (libzmq's ZMQ_STREAM): raw TCP (or ipc) with peers that speak no ZMTP, so a ZeroMQ
 * application can serve or call plain clients and servers (HTTP, say). Each connection gets a
 * routing id (5 bytes, 0x00 then a counter, as libzmq's); every read from it arrives as
 * [routing id, bytes], and with STREAM_NOTIFY (the default) a connection that opens or closes
 * arrives as [routing id, empty frame]. A send is [routing id, bytes]: the bytes are written as
 * they are; empty bytes close that connection (its close is then not announced). A send to an id no connection has throws
 * {@link HostUnreachableException}; one to a connection whose queue is full waits for room.
 */
public final class Stream extends Socket {
    private final RoutingIdTable table = new RoutingIdTable();
    /** Connections this socket closed (an empty send): their end is not announced, as in libzmq. */
    private final java.util.Set<Pipe> closedHere = new java.util.HashSet<>();

    public Stream(ZmtpContext context) {
        super(context, SocketType.STREAM);
    }

    @Override
    protected byte[] assignRoutingId(Pipe pipe, byte[] announced) {
        byte[] given = table.pinnedId(pipe);
        if (given != null) {
            return given;
        }
        byte[] id = table.generate();
        table.register(id, pipe);
        return id;
    }

    @Override
    protected String presetRoutingId(Pipe pipe, byte[] id) {
        return table.pin(id, pipe) ? null
                : "CONNECT_ROUTING_ID " + ByteBufUtil.hexDump(id) + " is the routing id of another connection of this STREAM";
    }

    @Override
    protected void attach(Pipe pipe) {
    }

    @Override
    protected void detach(Pipe pipe) {
        forget(pipe);
    }

    @Override
    protected void connected(Pipe pipe) {
        if (options().streamNotify()) {
            receivedFrom(pipe, Message.of(Unpooled.EMPTY_BUFFER));
        }
    }

    @Override
    protected void disconnected(Pipe pipe) {
        if (!closedHere.remove(pipe) && options().streamNotify() && pipe.routingId() != null) {
            // Behind what the connection sent before it closed.
            receivedFrom(pipe, Message.of(Unpooled.EMPTY_BUFFER));
        }
        if (!table.isPinned(pipe) || pipe.isClosed()) {
            forget(pipe);
        }
    }

    private void forget(Pipe pipe) {
        if (pipe.isClosed()) {
            closedHere.remove(pipe);
        }
        table.forget(pipe);
    }

    @Override
    protected void checkSend(Message message) {
        if (message.size() != 2) {
            throw new IllegalArgumentException("STREAM: a message is [routing id, bytes], got " + message.size() + " frames");
        }
        if (!table.contains(message.bytes(0))) {
            throw new HostUnreachableException("STREAM: no connection with routing id " + ByteBufUtil.hexDump(message.frame(0)));
        }
    }

    @Override
    protected boolean route(Message message) {
        Pipe p = table.lookup(message.frame(0).nioBuffer());
        if (p == null || !p.isReady() && !table.isPinned(p)) {
            // The connection closed after the send was checked: the bytes go nowhere, as in libzmq.
            discard(message);
            return true;
        }
        if (message.frame(1).readableBytes() == 0) {
            // libzmq: an empty frame closes the connection; here after what was sent before it.
            if (p.outboundDepth() > 0) {
                return false;
            }
            discard(message);
            closedHere.add(p);
            p.closeAfterWrites();
            return true;
        }
        if (!p.hasRoomOut()) {
            p.recordHwmHit();
            return false;
        }
        popFrame(message).release();
        p.enqueue(toWire(message));
        return true;
    }

    /** Stamps each read (and notice) with its connection's routing id as it arrives. */
    @Override
    protected boolean filterIncoming(Pipe pipe, ZmtpMessage message) {
        if (message instanceof Message m) {
            m.push(Unpooled.wrappedBuffer(pipe.routingId()));
            return true;
        }
        message.release();
        return false;
    }

    /** True when a connection with routing id {@code id} is open. */
    public boolean hasPeer(byte[] id) {
        return table.contains(id);
    }
}
