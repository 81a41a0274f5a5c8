package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.Subscribe;

import java.util.List;

/**
 * After a CURVE handshake, boxes everything written to the connection into MESSAGE commands
 * (RFC 26): {@code 07 "MESSAGE"}, an 8-byte nonce, then Box[flags ‖ payload]. The inner flags
 * carry MORE ({@code 01}) and, as libzmq does, COMMAND ({@code 02}) for PING, PONG, SUBSCRIBE and
 * CANCEL. The outer frame is a plain final frame (flags {@code 00}, or {@code 02} when long): libzmq
 * ORs outer flags into the unboxed frame, so an outer COMMAND bit would make it drop the message
 * and an outer MORE would glue messages together.
 *
 * <p>Every frame of a multipart message is its own MESSAGE; the message's promise completes with
 * the last. To a ZMTP 3.0 peer SUBSCRIBE and CANCEL go as {@code 01}/{@code 00} data frames.
 */
final class CurveMessageEncoder extends ChannelOutboundHandlerAdapter {
    static final int INNER_MORE = 0x01;
    static final int INNER_COMMAND = 0x02;
    static final byte[] MESSAGE_NAME = CurveCrypto.ascii("\u0007MESSAGE");

    private final byte[] key;
    private final byte[] noncePrefix;
    private final ZmtpVersion peerVersion;
    private long nextNonce;

    /**
     * @param key         the connection's precomputed box key (this handler owns it and wipes it when removed)
     * @param noncePrefix {@code CurveZMQMESSAGEC} on the client, {@code CurveZMQMESSAGES} on the server
     * @param nextNonce   the first MESSAGE nonce: one past the last handshake command's
     */
    CurveMessageEncoder(byte[] key, byte[] noncePrefix, long nextNonce, ZmtpVersion peerVersion) {
        this.key = key;
        this.noncePrefix = noncePrefix;
        this.nextNonce = nextNonce;
        this.peerVersion = peerVersion;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        try {
            if (msg instanceof ZmtpMessage message) {
                writeMessage(ctx, message.frames(), promise);
            } else if (msg instanceof ZmtpFrame frame) {
                int flags = frame.isCommand() ? INNER_COMMAND : frame.more() ? INNER_MORE : 0;
                ctx.write(box(flags, frame.content()), promise);
            } else if (msg instanceof Command command) {
                ctx.write(boxCommand(command), promise);
            } else {
                promise.tryFailure(new IllegalArgumentException("a CURVE connection cannot write "
                        + msg.getClass().getName() + "; write a ZmtpMessage, ZmtpFrame or Command"));
            }
        } catch (RuntimeException e) {
            promise.tryFailure(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void writeMessage(ChannelHandlerContext ctx, List<ByteBuf> frames, ChannelPromise promise) {
        int last = frames.size() - 1;
        if (last == 0 || promise.isVoid()) {
            for (int i = 0; i <= last; i++) {
                ctx.write(box(i < last ? INNER_MORE : 0, frames.get(i)), promise);
            }
            return;
        }
        PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
        for (int i = 0; i <= last; i++) {
            combiner.add(ctx.write(box(i < last ? INNER_MORE : 0, frames.get(i))));
        }
        combiner.finish(promise);
    }

    private ZmtpFrame boxCommand(Command command) {
        boolean asMessage = !peerVersion.hasSubscriptionCommands()
                && (command instanceof Subscribe || command instanceof Cancel);
        ByteBuf body = Unpooled.buffer(asMessage ? 1 + command.dataLength() : command.encodedLength());
        try {
            if (asMessage) {
                body.writeByte(command instanceof Subscribe ? 1 : 0);
                command.encodeData(body);
            } else {
                command.encode(body);
            }
            return box(asMessage ? 0 : INNER_COMMAND, body);
        } finally {
            body.release();
        }
    }

    /** One MESSAGE frame holding {@code flags ‖ payload}; does not release {@code payload}. */
    private ZmtpFrame box(int flags, ByteBuf payload) {
        long nonce = nextNonce;
        if (nonce == -1L) {
            // 2^64 - 1 boxes: the counter would wrap and reuse nonces. Unreachable in practice.
            throw new IllegalStateException("CURVE nonce space exhausted on this connection");
        }
        nextNonce = nonce + 1;
        int length = payload.readableBytes();
        byte[] plaintext = new byte[1 + length];
        plaintext[0] = (byte) flags;
        payload.getBytes(payload.readerIndex(), plaintext, 1, length);
        byte[] sealed = CryptoBox.seal(key, CurveCrypto.shortNonce(noncePrefix, nonce), plaintext);
        byte[] header = new byte[16];
        System.arraycopy(MESSAGE_NAME, 0, header, 0, MESSAGE_NAME.length);
        for (int i = 0; i < 8; i++) {
            header[15 - i] = (byte) (nonce >>> (8 * i));
        }
        return ZmtpFrame.message(Unpooled.wrappedBuffer(header, sealed), false);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        CurveCrypto.wipe(key);
    }
}
