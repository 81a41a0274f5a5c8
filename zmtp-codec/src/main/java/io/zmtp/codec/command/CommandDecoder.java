package io.zmtp.codec.command;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the handshake, turns command frames into {@link Command} values (PING, PONG, SUBSCRIBE, JOIN, LEAVE,
 * CANCEL, ERROR, or {@link UnknownCommand}, which libzmq ignores and so does the socket layer)
 * and passes message frames on untouched. A malformed command closes the connection; an ERROR
 * from the peer is passed on and then the connection is closed, as libzmq does.
 */
public final class CommandDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CommandDecoder.class);

    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ZmtpFrame frame) || !frame.isCommand()) {
            ctx.fireChannelRead(msg);
            return;
        }
        Command command;
        try {
            if (failed) {
                return;
            }
            command = CommandCodec.decode(frame.content());
        } catch (ZmtpProtocolException e) {
            failed = true;
            ctx.fireExceptionCaught(e);
            ctx.close();
            return;
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(command);
        if (command instanceof ErrorCommand error) {
            log.warn("ZMTP peer {} sent ERROR '{}'; closing", ctx.channel().remoteAddress(), error.reason());
            ctx.close();
        }
    }
}
