package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
 */
final class CurveMessageDecoder extends ChannelInboundHandlerAdapter {
    /** Name, nonce, tag and the flags octet. */
    static final int MIN_MESSAGE = 8 + 8 + CurveCrypto.TAG + 1;

    private final byte[] key;
    private final byte[] noncePrefix;
    private long lastNonce;
    private boolean failed;

    /**
     * @param key         the connection's precomputed box key (this handler owns it and wipes it when removed)
     * @param noncePrefix the peer's MESSAGE nonce prefix
     * @param lastNonce   the nonce of the peer's last handshake command (INITIATE or READY)
     */
    CurveMessageDecoder(byte[] key, byte[] noncePrefix, long lastNonce) {
        this.key = key;
        this.noncePrefix = noncePrefix;
        this.lastNonce = lastNonce;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ZmtpFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ZmtpFrame opened;
        try {
            if (failed) {
                return;
            }
            opened = open(frame.content());
        } catch (ZmtpProtocolException e) {
            failed = true;
            ctx.fireExceptionCaught(e);
            ctx.close();
            return;
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(opened);
    }

    private ZmtpFrame open(ByteBuf body) {
        int start = body.readerIndex();
        int length = body.readableBytes();
        if (!startsWithMessage(body)) {
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
        byte[] box = ByteBufUtil.getBytes(body, start + 16, length - 16);
        byte[] plaintext;
        try {
            plaintext = CryptoBox.open(key, CurveCrypto.shortNonce(noncePrefix, nonce), box);
        } catch (CryptoBox.AuthenticationException e) {
            throw new ZmtpProtocolException("CURVE MESSAGE with nonce " + Long.toUnsignedString(nonce)
                    + " does not authenticate: altered in transit or boxed under another key");
        }
        lastNonce = nonce;
        int flags = plaintext[0];
        ByteBuf payload = Unpooled.wrappedBuffer(plaintext, 1, plaintext.length - 1);
        if ((flags & CurveMessageEncoder.INNER_COMMAND) != 0) {
            return ZmtpFrame.command(payload);
        }
        return ZmtpFrame.message(payload, (flags & CurveMessageEncoder.INNER_MORE) != 0);
    }

    private static boolean startsWithMessage(ByteBuf body) {
        byte[] name = CurveMessageEncoder.MESSAGE_NAME;
        if (body.readableBytes() < name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (body.getByte(body.readerIndex() + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        CurveCrypto.wipe(key);
    }
}
