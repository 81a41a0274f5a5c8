package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Command;
import io.zmtp.socket.pipe.Link;
import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.transport.TransportHost;

import java.util.List;

/** What a socket offers its transports ({@link TransportHost}); kept off the socket's public face. */
final class SocketHost implements TransportHost {
    private final Socket socket;

    SocketHost(Socket socket) {
        this.socket = socket;
    }

    @Override
    public ZmtpContext context() {
        return socket.context();
    }

    @Override
    public void execute(Runnable task) {
        socket.tasks.execute(task);
    }

    @Override
    public LoopPermit permit() {
        return socket.permit;
    }

    @Override
    public EventLoop loop() {
        return socket.loop;
    }

    @Override
    public SocketType type() {
        return socket.type();
    }

    @Override
    public SocketOptions options() {
        return socket.options();
    }

    @Override
    public boolean isClosing() {
        return socket.isClosing();
    }

    @Override
    public Pipe newPipe(boolean connectSide, String endpoint) {
        return socket.newPipe(connectSide, endpoint);
    }

    @Override
    public Admission admit(Pipe pipe, boolean fresh, Link link, byte[] announcedIdentity, ZmtpVersion version,
                           String mechanism, String userId, String detail, Runnable linked) {
        return socket.pipes.admit(pipe, fresh, link, announcedIdentity, version, mechanism, userId, detail, linked);
    }

    @Override
    public void track(Channel connection) {
        socket.connections.add(connection);
        connection.closeFuture().addListener(f -> socket.connections.remove(connection));
    }

    @Override
    public ZmtpMessage newMessage(ByteBuf frame) {
        return Message.received(socket.inbound.returned.take(), frame);
    }

    @Override
    public ZmtpMessage newMessage(List<ByteBuf> frames) {
        return Message.received(socket.inbound.returned.take(), frames);
    }

    @Override
    public ByteBuf bodyBuffer(int size) {
        return socket.inbound.returned.bodyBuffer(size);
    }

    @Override
    public void received(Pipe pipe, ZmtpMessage message) {
        socket.inbound.received(pipe, message);
    }

    @Override
    public void command(Pipe pipe, Command command) {
        socket.command(pipe, command);
    }

    @Override
    public void announceInbound() {
        socket.inbound.announce();
    }

    @Override
    public void flushPipes() {
        socket.pipes.flush();
    }

    @Override
    public void pipeHasRoom() {
        socket.outbound.pipeHasRoom();
    }

    @Override
    public void pipeDisconnected(Pipe pipe) {
        socket.pipes.disconnected(pipe);
    }

    @Override
    public void detachPipe(Pipe pipe) {
        socket.pipes.detach(pipe);
    }

    @Override
    public void emit(SocketEvent.Type eventType, String endpoint, String detail) {
        socket.events.emit(eventType, endpoint, detail);
    }

    @Override
    public void runOnLoop(Runnable task) {
        socket.runOnLoop(task);
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
