package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DatagramPacket;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Command;
import io.zmtp.socket.pipe.Link;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A pipe's link over udp (RADIO/DISH): each message is one datagram, laid out as libzmq's udp
 * engine lays it out: the group's length (one byte), the group, the body. A RADIO's link sends to
 * one address; a DISH's link only receives (JOIN and LEAVE mean nothing on udp: the DISH filters).
 * A message that does not fit in {@link UdpTransport#MAX_DATAGRAM} bytes is dropped, as libzmq
 * drops it. Loop only.
 */
final class UdpLink implements Link {
    private final Channel channel;
    /** Where a RADIO's datagrams go; null for a DISH's link. */
    private final InetSocketAddress to;
    private long oversized;

    UdpLink(Channel channel, InetSocketAddress to) {
        this.channel = channel;
        this.to = to;
    }

    @Override
    public boolean isWritable() {
        return to == null || channel.isWritable();
    }

    @Override
    public void write(ZmtpMessage message) {
        try {
            if (to == null || message.size() != 2) {
                return;
            }
            ByteBuf group = message.frame(0);
            ByteBuf body = message.frame(1);
            int size = 1 + group.readableBytes() + body.readableBytes();
            if (group.readableBytes() > 255 || size > UdpTransport.MAX_DATAGRAM) {
                oversized++;
                return;
            }
            ByteBuf datagram = channel.alloc().ioBuffer(size);
            datagram.writeByte(group.readableBytes());
            datagram.writeBytes(group, group.readerIndex(), group.readableBytes());
            datagram.writeBytes(body, body.readerIndex(), body.readableBytes());
            channel.write(new DatagramPacket(datagram, to), channel.voidPromise());
        } finally {
            message.release();
        }
    }

    @Override
    public void write(Command command) {
        // JOIN and LEAVE: a udp RADIO sends every group; the DISH filters what it receives.
    }

    @Override
    public void flush() {
        if (to != null) {
            channel.flush();
        }
    }

    @Override
    public void setReading(boolean reading) {
        channel.config().setAutoRead(reading);
    }

    @Override
    public boolean hasUnsentData() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return channel.isActive() && buffer != null && !buffer.isEmpty();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public SocketAddress remoteAddress() {
        return to != null ? to : channel.localAddress();
    }

    /** Messages dropped for not fitting in a datagram. */
    long oversized() {
        return oversized;
    }
}
