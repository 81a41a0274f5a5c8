package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;

/**
 * After a CURVE handshake, opens the peer's MESSAGE commands and passes on the frames inside: a
 * message frame (MORE from the inner flags) or, with the inner COMMAND bit, a command frame for
 * the command decoder. The outer frame's flags mean nothing here. Anything that is not a MESSAGE,
 * a nonce not above the last one (replay or reordering), or a box that does not open is a protocol
 * error: the handler reports one {@link ZmtpProtocolException}, closes the connection and quietly
 * releases whatever still arrives.
 *
 * <p>The box is verified where it lies in the received frame and decrypted in place, and the
 * frame's own buffer, narrowed to the payload, is passed on: nothing is copied and no buffer is
 * allocated per message (a pooled buffer per message was 15% of a 1 KiB receiver's loop).
 */
final class CurveMessageDecoder extends ChannelInboundHandlerAdapter {
    /** Name, nonce, tag and the flags octet. */
    static final int MIN_MESSAGE = CurveFrameBox.OVERHEAD;

    private final MessageBox box;
    private long lastNonce;
    private boolean failed;

    /**
     * @param box       opens boxes under the peer's MESSAGE nonce prefix; this handler owns it and
     *                  closes it when removed
     * @param lastNonce the nonce of the peer's last handshake command (INITIATE or READY)
     */
    CurveMessageDecoder(MessageBox box, long lastNonce) {
        this.box = box;
        this.lastNonce = lastNonce;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ZmtpFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            frame.release();
            return;
        }
        ZmtpFrame opened;
        try {
            ByteBuf body = frame.content();
            if (body.isReadOnly()) {
                // Decrypting in place needs a buffer we may write: a read-only one is copied first.
                ByteBuf copy = Unpooled.copiedBuffer(body);
                frame.release();
                frame = ZmtpFrame.command(copy);
                body = copy;
            }
            opened = open(body);
        } catch (RuntimeException e) {
            frame.release();
            if (!(e instanceof ZmtpProtocolException)) {
                throw e;
            }
            failed = true;
            ctx.fireExceptionCaught(e);
            ctx.close();
            return;
        }
        ctx.fireChannelRead(opened);
    }

    /** Opens the MESSAGE in {@code body} in place and returns it, narrowed to the payload, as a frame. */
    private ZmtpFrame open(ByteBuf body) {
        int start = body.readerIndex();
        int length = body.readableBytes();
        if (length < 8 || body.getLong(start) != CurveFrameBox.MESSAGE_NAME) {
            throw new ZmtpProtocolException("CURVE peer sent something other than a MESSAGE command after the handshake ("
                    + length + " bytes)");
        }
        if (length < MIN_MESSAGE) {
            throw new ZmtpProtocolException("CURVE MESSAGE of " + length + " bytes is shorter than the minimum of "
                    + MIN_MESSAGE);
        }
        long nonce = body.getLong(start + 8);
        if (Long.compareUnsigned(nonce, lastNonce) <= 0) {
            throw new ZmtpProtocolException("CURVE MESSAGE nonce " + Long.toUnsignedString(nonce)
                    + " is not above the last one seen (" + Long.toUnsignedString(lastNonce) + "): replayed or reordered");
        }
        int plainLength = length - 16 - MessageBox.TAG;
        int plainStart = start + 16 + MessageBox.TAG;
        if (!box.open(body, start + 16, plainLength, nonce, body, plainStart)) {
            throw new ZmtpProtocolException("CURVE MESSAGE with nonce " + Long.toUnsignedString(nonce)
                    + " does not authenticate: altered in transit or boxed under another key");
        }
        lastNonce = nonce;
        int flags = body.getByte(plainStart);
        ByteBuf payload = body.setIndex(plainStart + 1, plainStart + plainLength);
        if ((flags & CurveFrameBox.INNER_COMMAND) != 0) {
            return ZmtpFrame.command(payload);
        }
        return ZmtpFrame.message(payload, (flags & CurveFrameBox.INNER_MORE) != 0);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        close();
    }

    /** Wipes the inbound box's key. */
    void close() {
        box.close();
    }

    boolean isWiped() {
        return box.isWiped();
    }
}
