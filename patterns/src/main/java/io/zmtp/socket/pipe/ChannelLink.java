package io.zmtp.socket.pipe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.zmtp.codec.FrameEncoder;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Command;

import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * A pipe's link over a Netty channel (tcp, ipc): the ZMTP codec in the channel's pipeline encodes.
 * On the channel's loop messages go to the encoder; from a thread that borrowed the loop's permit
 * (a send routed on the caller's thread) they are encoded there and written through the
 * connection's {@link LinkGate}.
 */
public final class ChannelLink implements Link {
    private final Channel channel;
    private final EventLoop loop;
    /** The codec's encoder when messages may skip the pipeline walk to it (NULL, PLAIN, CURVE), else null. */
    private final FrameEncoder direct;
    /** The connection's gate when its loop lends its permit, else null. */
    private final LinkGate gate;
    /** Where a borrowed send's bytes go; null when they cannot be encoded off the loop (no direct encoder). */
    private final Consumer<ByteBuf> toGate;

    /** A link for an admitted connection; {@code resume} writes what its pipe queued (see {@link #heldBack}). */
    public ChannelLink(Channel channel, Runnable resume) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        FrameEncoder encoder = channel.pipeline().get(FrameEncoder.class);
        this.direct = encoder != null && encoder.acceptsDirectWrites() ? encoder : null;
        LinkGate g = LinkGate.of(channel);
        this.gate = g;
        this.toGate = g != null && direct != null ? g::accept : null;
        if (g != null) {
            g.onResume(resume);
        }
    }

    public ChannelLink(Channel channel) {
        this(channel, null);
    }

    private boolean onLoop() {
        return loop.inEventLoop();
    }

    @Override
    public boolean isWritable() {
        if (onLoop()) {
            return channel.isWritable();
        }
        return toGate != null && channel.isWritable() && gate.takesBorrowedWrites();
    }

    @Override
    public void write(ZmtpMessage message) {
        if (onLoop()) {
            if (direct != null) {
                direct.writeDirect(message);
            } else {
                channel.write(message, channel.voidPromise());
            }
        } else {
            // A borrowed send: the pipe asked isWritable() first, which is false without a gate.
            direct.encodeOutside(message, toGate);
        }
    }

    @Override
    public void heldBack() {
        if (gate != null && !onLoop()) {
            gate.heldBack();
        }
    }

    @Override
    public void write(Command command) {
        // Loop only: no socket type that routes on the caller's thread writes commands when it sends.
        channel.write(command, channel.voidPromise());
    }

    @Override
    public void flush() {
        // A borrowed send wrote (or carried) its bytes already.
        if (onLoop()) {
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
        return channel.isActive() && (buffer != null && !buffer.isEmpty() || gate != null && gate.hasCarried());
    }

    @Override
    public void close() {
        channel.close();
    }

    /** An empty write behind the others: its completion means they are out (loop only). */
    @Override
    public void closeAfterWrites() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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
