package io.zmtp.socket.pipe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Command;

import java.net.SocketAddress;

/** A pipe's link over a Netty channel (tcp, ipc): the ZMTP codec in the channel's pipeline encodes. */
public final class ChannelLink implements Link {
    private final Channel channel;
    /** The codec's encoder when messages may skip the pipeline walk to it (NULL, PLAIN), else null. */
    private final FrameEncoder direct;

    public ChannelLink(Channel channel) {
        this.channel = channel;
        FrameEncoder encoder = channel.pipeline().get(FrameEncoder.class);
        this.direct = encoder != null && encoder.acceptsDirectWrites() ? encoder : null;
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void write(ZmtpMessage message) {
        if (direct != null) {
            direct.writeDirect(message);
        } else {
            channel.write(message, channel.voidPromise());
        }
    }

    @Override
    public void write(Command command) {
        channel.write(command, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
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
        return channel.remoteAddress();
    }

    @Override
    public String toString() {
        return String.valueOf(channel);
    }
}
