package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;

/**
 * Reads ZWS 2.0 (ZeroMQ RFC 45 over RFC 6455): each binary WebSocket message is one ZMTP frame, a
 * flags byte (MORE 0x01, COMMAND 0x02) then the body. It hands the codec's frame decoder behind it
 * the same frame in ZMTP 3.x form (COMMAND as 0x04, LONG when needed, the size, the body) as the
 * bytes arrive, so that decoder checks every declared size against its limits before anything is
 * buffered, exactly as on tcp.
 *
 * <p>A frame's bytes are unmasked where they lie (a client masks what it sends); bodies up to
 * {@link #COPY_THRESHOLD} bytes are copied into one buffer per read, larger ones passed on as
 * slices. PING is answered with PONG, CLOSE with CLOSE and the end of the connection; a text
 * message, a reserved bit or opcode, a server frame that is masked or a client frame that is not
 * breaks the protocol. A message fragmented into continuation frames is gathered (at most
 * {@link #MAX_FRAGMENTED} bytes) before it is passed on.
 */
final class ZwsDecoder extends ChannelInboundHandlerAdapter {
    static final int COPY_THRESHOLD = 1024;
    /** Largest message accepted in continuation frames (libzmq and browsers send one frame per message). */
    static final int MAX_FRAGMENTED = 64 << 20;

    private static final int OP_CONTINUATION = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;

    /** True on the server side: every frame from the peer must be masked. */
    private final boolean server;
    private final ZwsEncoder controlWriter;

    private final byte[] header = new byte[14];
    private int headerBytes;
    private boolean inPayload;
    private int opcode;
    private boolean fin;
    private final byte[] mask = new byte[4];
    private boolean masked;
    private long payloadLength;
    private long payloadRead;
    /** A whole binary frame whose ZWS flags byte is still to come. */
    private boolean flagsPending;
    private long bodyLength;
    /** A fragmented message's payload while it arrives. */
    private ByteBuf gathered;
    /** A control frame's payload (at most 125 bytes; it may come between a message's fragments). */
    private ByteBuf control;
    private boolean fragmenting;
    /** Translated bytes of this read, handed on at its end (or before a slice). */
    private ByteBuf out;
    private boolean failed;

    ZwsDecoder(boolean server, ZwsEncoder controlWriter) {
        this.server = server;
        this.controlWriter = controlWriter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!failed) {
                decode(ctx, in);
            }
        } catch (ZmtpProtocolException e) {
            fail(ctx, e);
        } finally {
            in.release();
            emit(ctx);
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.isReadable() && !failed) {
            if (!inPayload) {
                if (!readHeader(in)) {
                    return;
                }
                startFrame(ctx);
                continue;
            }
            int n = (int) Math.min(payloadLength - payloadRead, in.readableBytes());
            if (masked) {
                unmask(in, n);
            }
            payloadRead += n;
            if (opcode >= OP_CLOSE) {
                control.writeBytes(in, n);
            } else if (opcode == OP_BINARY && !fragmenting) {
                body(ctx, in, n);
            } else {
                gathered.writeBytes(in, n);
            }
            if (payloadRead == payloadLength) {
                endFrame(ctx);
            }
        }
    }

    /** Moves header bytes into {@link #header}; true once the whole header is in. */
    private boolean readHeader(ByteBuf in) {
        while (in.isReadable()) {
            header[headerBytes++] = in.readByte();
            if (headerBytes >= 2 && headerBytes == headerLength()) {
                return true;
            }
        }
        return false;
    }

    private int headerLength() {
        int len7 = header[1] & 0x7f;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    private void startFrame(ChannelHandlerContext ctx) {
        int b0 = header[0] & 0xff;
        int b1 = header[1] & 0xff;
        headerBytes = 0;
        if ((b0 & 0x70) != 0) {
            throw new ZmtpProtocolException("WebSocket frame with reserved bits set (no extension was agreed)");
        }
        fin = (b0 & 0x80) != 0;
        opcode = b0 & 0x0f;
        masked = (b1 & 0x80) != 0;
        if (server && !masked) {
            throw new ZmtpProtocolException("a WebSocket client must mask its frames (RFC 6455 5.1)");
        }
        if (!server && masked) {
            throw new ZmtpProtocolException("a WebSocket server must not mask its frames (RFC 6455 5.1)");
        }
        int len7 = b1 & 0x7f;
        int at = 2;
        if (len7 == 126) {
            payloadLength = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
            at = 4;
        } else if (len7 == 127) {
            long v = 0;
            for (int i = 2; i < 10; i++) {
                v = (v << 8) | (header[i] & 0xffL);
            }
            if (v < 0) {
                throw new ZmtpProtocolException("WebSocket frame length has its most significant bit set");
            }
            payloadLength = v;
            at = 10;
        } else {
            payloadLength = len7;
        }
        if (masked) {
            System.arraycopy(header, at, mask, 0, 4);
        }
        payloadRead = 0;
        switch (opcode) {
            case OP_BINARY -> {
                if (fragmenting) {
                    throw new ZmtpProtocolException("a new WebSocket message began inside a fragmented one");
                }
                if (fin) {
                    if (payloadLength == 0) {
                        throw new ZmtpProtocolException("an empty ZWS message (it needs its flags byte)");
                    }
                    flagsPending = true;
                    bodyLength = payloadLength - 1;
                } else {
                    fragmenting = true;
                    checkFragmented(ctx, payloadLength);
                    gathered = Unpooled.buffer((int) Math.min(payloadLength, 64 * 1024));
                }
            }
            case OP_CONTINUATION -> {
                if (!fragmenting) {
                    throw new ZmtpProtocolException("a WebSocket continuation frame with no message to continue");
                }
                checkFragmented(ctx, gathered.readableBytes() + payloadLength);
            }
            case OP_CLOSE, OP_PING, OP_PONG -> {
                if (!fin || payloadLength > 125) {
                    throw new ZmtpProtocolException("a WebSocket control frame must be whole and at most 125 bytes");
                }
            }
            case OP_TEXT -> throw new ZmtpProtocolException("a WebSocket text message (ZWS uses binary messages only)");
            default -> throw new ZmtpProtocolException("WebSocket frame with reserved opcode " + opcode);
        }
        if (opcode >= OP_CLOSE) {
            control = Unpooled.buffer((int) payloadLength);
        }
        inPayload = true;
        if (payloadLength == 0) {
            endFrame(ctx);
        }
    }

    /**
     * A fragmented message is gathered before the frame decoder sees its size: it is held to that
     * decoder's limit in force (the handshake's, before it is done) and to {@link #MAX_FRAGMENTED}.
     */
    private static void checkFragmented(ChannelHandlerContext ctx, long total) {
        FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
        long limit = Math.min(MAX_FRAGMENTED, decoder == null ? MAX_FRAGMENTED : decoder.frameLimit() + 1);
        if (total > limit) {
            throw new ZmtpProtocolException("a fragmented WebSocket message of more than " + limit + " bytes");
        }
    }

    /** XORs the next {@code n} readable bytes of {@code in} with the mask, where they lie. */
    private void unmask(ByteBuf in, int n) {
        xor(in, in.readerIndex(), n, mask, payloadRead);
    }

    /**
     * XORs {@code n} bytes of {@code buf} from {@code start} with the 4-byte {@code mask}, the first
     * of them being byte {@code index} of the payload (RFC 6455 5.3), eight bytes at a time, on an
     * NIO view of the buffer's memory: one access of the buffer rather than one per word (which
     * the leak detector, at its paranoid level, would record each with a stack trace).
     */
    static void xor(ByteBuf buf, int start, int n, byte[] mask, long index) {
        if (n == 0) {
            return;
        }
        if (buf.nioBufferCount() != 1) {
            for (int i = 0; i < n; i++) {
                buf.setByte(start + i, buf.getByte(start + i) ^ mask[(int) ((index + i) & 3)]);
            }
            return;
        }
        java.nio.ByteBuffer b = buf.nioBuffer(start, n);
        int at = b.position();
        int end = at + n;
        int i = at;
        while (i < end && ((index + i - at) & 3) != 0) {
            b.put(i, (byte) (b.get(i) ^ mask[(int) ((index + i - at) & 3)]));
            i++;
        }
        long word = (mask[0] & 0xffL) << 24 | (mask[1] & 0xffL) << 16 | (mask[2] & 0xffL) << 8 | (mask[3] & 0xffL);
        word |= word << 32;
        for (; i + 8 <= end; i += 8) {
            b.putLong(i, b.getLong(i) ^ word);
        }
        for (; i < end; i++) {
            b.put(i, (byte) (b.get(i) ^ mask[(int) ((index + i - at) & 3)]));
        }
    }

    /** Bytes of a whole binary frame: its flags byte becomes a ZMTP header, its body follows it. */
    private void body(ChannelHandlerContext ctx, ByteBuf in, int n) {
        if (flagsPending && n > 0) {
            int zws = in.readByte();
            n--;
            flagsPending = false;
            writeZmtpHeader(ctx, zws, bodyLength);
        }
        if (n == 0) {
            return;
        }
        if (bodyLength > COPY_THRESHOLD) {
            emit(ctx);
            ctx.fireChannelRead(in.readRetainedSlice(n));
        } else {
            reserve(ctx, n).writeBytes(in, n);
        }
    }

    private void writeZmtpHeader(ChannelHandlerContext ctx, int zws, long size) {
        if ((zws & ~0x03) != 0) {
            throw new ZmtpProtocolException("ZWS flags 0x" + Integer.toHexString(zws & 0xff) + " (only MORE 0x01 and COMMAND 0x02 exist)");
        }
        int flags = ((zws & 0x01) != 0 ? ZmtpFrame.FLAG_MORE : 0) | ((zws & 0x02) != 0 ? ZmtpFrame.FLAG_COMMAND : 0);
        ByteBuf b = reserve(ctx, 9);
        if (size > 255) {
            b.writeByte(flags | ZmtpFrame.FLAG_LONG);
            b.writeLong(size);
        } else {
            b.writeByte(flags);
            b.writeByte((int) size);
        }
    }

    private void endFrame(ChannelHandlerContext ctx) {
        inPayload = false;
        switch (opcode) {
            case OP_BINARY, OP_CONTINUATION -> {
                if (fragmenting && fin) {
                    fragmenting = false;
                    ByteBuf message = gathered;
                    gathered = null;
                    try {
                        if (!message.isReadable()) {
                            throw new ZmtpProtocolException("an empty ZWS message (it needs its flags byte)");
                        }
                        int zws = message.readByte();
                        writeZmtpHeader(ctx, zws, message.readableBytes());
                        reserve(ctx, message.readableBytes()).writeBytes(message);
                    } finally {
                        message.release();
                    }
                }
            }
            case OP_PING -> {
                ByteBuf payload = takeControl();
                controlWriter.writeControl(ctx, OP_PONG, payload);
                ctx.flush();
            }
            case OP_PONG -> takeControl().release();
            case OP_CLOSE -> {
                ByteBuf payload = takeControl();
                // Echo the status code (the first two bytes), as RFC 6455 5.5.1 asks, then end.
                ByteBuf status = payload.readableBytes() >= 2 ? payload.readRetainedSlice(2) : Unpooled.EMPTY_BUFFER;
                payload.release();
                emit(ctx);
                failed = true;
                controlWriter.writeControl(ctx, OP_CLOSE, status);
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            default -> throw new IllegalStateException("opcode " + opcode);
        }
    }

    private ByteBuf takeControl() {
        ByteBuf c = control;
        control = null;
        return c;
    }

    private ByteBuf reserve(ChannelHandlerContext ctx, int bytes) {
        if (out == null) {
            out = ctx.alloc().heapBuffer(Math.max(256, bytes));
        }
        out.ensureWritable(bytes);
        return out;
    }

    /** Hands on the translated bytes gathered so far. */
    private void emit(ChannelHandlerContext ctx) {
        ByteBuf b = out;
        out = null;
        if (b != null) {
            if (b.isReadable()) {
                ctx.fireChannelRead(b);
            } else {
                b.release();
            }
        }
    }

    private void fail(ChannelHandlerContext ctx, ZmtpProtocolException e) {
        failed = true;
        if (out != null) {
            // What arrived whole before the fault goes on first.
            ByteBuf b = out;
            out = null;
            ctx.fireChannelRead(b);
        }
        release();
        ctx.fireExceptionCaught(e);
        // 1002: protocol error.
        controlWriter.writeControl(ctx, OP_CLOSE, Unpooled.wrappedBuffer(new byte[] {0x03, (byte) 0xea}));
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void release() {
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
        if (control != null) {
            control.release();
            control = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
        ReferenceCountUtil.safeRelease(out);
        out = null;
    }
}
