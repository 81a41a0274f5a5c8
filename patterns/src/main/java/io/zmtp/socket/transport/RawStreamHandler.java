package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.zmtp.codec.ZmtpMessage;

/**
 * The codec of a STREAM socket's connection, in place of ZMTP's: no greeting, no handshake, no
 * framing. Each read becomes a one-frame message of its bytes; each message written goes out as its
 * frames' bytes, nothing around them. The connection is the peer's as soon as it is active
 * ({@link #ACTIVE} tells the {@link PeerHandler}).
 */
final class RawStreamHandler extends ChannelDuplexHandler {
    /** Fired once the connection is active: a raw peer is admitted at once. */
    static final Object ACTIVE = new Object() {
        @Override
        public String toString() {
            return "RAW_CONNECTION_ACTIVE";
        }
    };

    private final TransportHost host;

    RawStreamHandler(TransportHost host) {
        this.host = host;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        ctx.fireUserEventTriggered(ACTIVE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf data) {
            if (data.isReadable()) {
                ctx.fireChannelRead(host.newMessage(data));
            } else {
                data.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ZmtpMessage m) {
            try {
                for (int i = 0, n = m.size(); i < n; i++) {
                    ByteBuf frame = m.frame(i);
                    if (frame.isReadable()) {
                        ctx.write(frame.retain(), i == n - 1 ? promise : ctx.voidPromise());
                    } else if (i == n - 1) {
                        ctx.write(frame.retain(), promise);
                    }
                }
            } finally {
                m.release();
            }
        } else {
            ctx.write(msg, promise);
        }
    }
}
