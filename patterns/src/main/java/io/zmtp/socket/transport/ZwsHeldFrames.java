package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.zmtp.codec.ZmtpProtocolException;

/**
 * The WebSocket frames a ZWS reader must hold whole before they mean anything: a message sent in
 * continuation frames (libzmq and browsers send one frame per message, but RFC 6455 lets any peer
 * fragment) and a control frame's payload (at most 125 bytes, possibly between a message's
 * fragments). Kept apart from {@link ZwsDecoder}'s translation of whole binary frames, which is the
 * path every ordinary message takes.
 */
final class ZwsHeldFrames {
    /** Largest message accepted in continuation frames. */
    static final int MAX_FRAGMENTED = 64 << 20;
    /** 1002: protocol error, the status of the CLOSE this side sends when the peer breaks ZWS. */
    private static final byte[] PROTOCOL_ERROR = {0x03, (byte) 0xea};

    private ByteBuf message;
    private ByteBuf control;

    /** A fragmented message has begun and its last fragment has not come. */
    boolean fragmenting() {
        return message != null;
    }

    /** The first fragment of a message: checked against the limits, then gathered. */
    void startMessage(long frameLimit, long length) {
        checkFragmented(frameLimit, length);
        message = Unpooled.buffer((int) Math.min(length, 64 * 1024));
    }

    /** A continuation frame: the message so far and this frame's length held to the limits. */
    void continueMessage(long frameLimit, long length) {
        if (message == null) {
            throw new ZmtpProtocolException("a WebSocket continuation frame with no message to continue");
        }
        checkFragmented(frameLimit, message.readableBytes() + length);
    }

    /**
     * A fragmented message is gathered before the frame decoder sees its size: it is held to that
     * decoder's limit in force ({@code frameLimit}, the handshake's before it is done, -1 with no frame
     * decoder) plus the flags byte, and to {@link #MAX_FRAGMENTED}.
     */
    private static void checkFragmented(long frameLimit, long total) {
        long limit = Math.min(MAX_FRAGMENTED, frameLimit < 0 ? MAX_FRAGMENTED : frameLimit + 1);
        if (total > limit) {
            throw new ZmtpProtocolException("a fragmented WebSocket message of more than " + limit + " bytes");
        }
    }

    /** A control frame of {@code length} (at most 125) bytes begins. */
    void startControl(int length) {
        control = Unpooled.buffer(length);
    }

    /** The next {@code n} unmasked payload bytes of the held frame (a control frame's, or the message's). */
    void append(boolean controlFrame, ByteBuf in, int n) {
        (controlFrame ? control : message).writeBytes(in, n);
    }

    /** The whole fragmented message's payload (ZWS flags byte, then the body); the caller releases it. */
    ByteBuf takeMessage() {
        ByteBuf m = message;
        message = null;
        return m;
    }

    /** A whole control frame's payload; the caller releases it. */
    ByteBuf takeControl() {
        ByteBuf c = control;
        control = null;
        return c;
    }

    /**
     * Ends the connection with a CLOSE frame: the peer's status code echoed (RFC 6455 5.5.1) when
     * {@code status} holds one, else no status.
     */
    static void close(ChannelHandlerContext ctx, boolean masking, ByteBuf payload) {
        ByteBuf status = payload.readableBytes() >= 2 ? payload.readRetainedSlice(2) : Unpooled.EMPTY_BUFFER;
        payload.release();
        ZwsEnvelope.writeControl(ctx, masking, WsFrameHeader.OP_CLOSE, status);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends the connection with a CLOSE frame saying the peer broke the protocol. */
    static void closeOnProtocolError(ChannelHandlerContext ctx, boolean masking) {
        close(ctx, masking, Unpooled.wrappedBuffer(PROTOCOL_ERROR.clone()));
    }

    void release() {
        if (message != null) {
            message.release();
            message = null;
        }
        if (control != null) {
            control.release();
            control = null;
        }
    }
}
