package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.zmtp.codec.ZmtpFrame;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes ZWS 2.0: takes the ZMTP 3.x byte stream of the codec's frame encoder above it and sends
 * each ZMTP frame as one binary WebSocket message, a ZWS flags byte (MORE 0x01, COMMAND 0x02) then
 * the body. A client masks every frame with a fresh random key (RFC 6455 5.3), copying the body as
 * it does; a server copies bodies up to {@link ZwsDecoder#COPY_THRESHOLD} bytes into one buffer per
 * write and passes larger ones on as they are, behind their header. Each write's promise completes
 * with the last bytes it became. Headers are never cut between writes by the frame encoder; a
 * body may come in a later write than its header.
 */
final class ZwsEncoder extends ChannelOutboundHandlerAdapter {
    private final boolean maskFrames;

    /** Body bytes of the current frame still to come, and the mask key and position for them. */
    private long bodyRemaining;
    private final byte[] mask = new byte[4];
    private long maskIndex;
    private final byte[] header = new byte[9];
    private int headerBytes;

    ZwsEncoder(boolean maskFrames) {
        this.maskFrames = maskFrames;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf in) || !in.isReadable()) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf out = null;
        try {
            while (in.isReadable()) {
                if (bodyRemaining == 0) {
                    if (!readHeader(in)) {
                        break;
                    }
                    int flags = header[0] & 0xff;
                    long size = (flags & ZmtpFrame.FLAG_LONG) != 0 ? longAt(header) : header[1] & 0xff;
                    headerBytes = 0;
                    int zws = ((flags & ZmtpFrame.FLAG_MORE) != 0 ? 0x01 : 0) | ((flags & ZmtpFrame.FLAG_COMMAND) != 0 ? 0x02 : 0);
                    out = reserve(ctx, out, 15 + (int) Math.min(size, ZwsDecoder.COPY_THRESHOLD));
                    writeHeader(out, 0x82, size + 1);
                    out.writeByte(maskFrames ? zws ^ mask[0] : zws);
                    maskIndex = 1;
                    bodyRemaining = size;
                    continue;
                }
                int n = (int) Math.min(bodyRemaining, in.readableBytes());
                if (!maskFrames && n > ZwsDecoder.COPY_THRESHOLD) {
                    if (out != null) {
                        ctx.write(out, ctx.voidPromise());
                        out = null;
                    }
                    ctx.write(in.readRetainedSlice(n), ctx.voidPromise());
                } else {
                    out = reserve(ctx, out, n);
                    int at = out.writerIndex();
                    out.writeBytes(in, n);
                    if (maskFrames) {
                        ZwsDecoder.xor(out, at, n, mask, maskIndex);
                        maskIndex += n;
                    }
                }
                bodyRemaining -= n;
            }
        } catch (RuntimeException e) {
            if (out != null) {
                out.release();
            }
            in.release();
            promise.tryFailure(e);
            return;
        }
        in.release();
        ctx.write(out != null ? out : Unpooled.EMPTY_BUFFER, promise);
    }

    private boolean readHeader(ByteBuf in) {
        while (in.isReadable()) {
            header[headerBytes++] = in.readByte();
            int length = (header[0] & ZmtpFrame.FLAG_LONG) != 0 ? 9 : 2;
            if (headerBytes == length) {
                return true;
            }
        }
        return false;
    }

    private static long longAt(byte[] h) {
        long v = 0;
        for (int i = 1; i < 9; i++) {
            v = (v << 8) | (h[i] & 0xffL);
        }
        return v;
    }

    private static ByteBuf reserve(ChannelHandlerContext ctx, ByteBuf out, int bytes) {
        if (out == null) {
            return ctx.alloc().ioBuffer(Math.max(256, bytes));
        }
        out.ensureWritable(bytes);
        return out;
    }

    /** A WebSocket frame header (FIN set) for {@code length} payload bytes; a client's gets a new mask key. */
    private void writeHeader(ByteBuf out, int firstByte, long length) {
        int maskBit = maskFrames ? 0x80 : 0;
        out.writeByte(firstByte);
        if (length <= 125) {
            out.writeByte(maskBit | (int) length);
        } else if (length <= 0xffff) {
            out.writeByte(maskBit | 126);
            out.writeShort((int) length);
        } else {
            out.writeByte(maskBit | 127);
            out.writeLong(length);
        }
        if (maskFrames) {
            ThreadLocalRandom.current().nextBytes(mask);
            out.writeBytes(mask);
        }
    }

    /**
     * Writes a control frame (PONG, CLOSE) with {@code payload} (released here) from {@code from}'s
     * place in the pipeline, below this encoder: between two frames it writes, never inside one
     * (both run on the channel's loop, and this encoder writes a frame in one go).
     */
    void writeControl(ChannelHandlerContext from, int opcode, ByteBuf payload) {
        try {
            int n = payload.readableBytes();
            ByteBuf out = from.alloc().ioBuffer(14 + n);
            // A fresh mask of our own for the control frame; the data frames' key stays as it was.
            byte[] saved = mask.clone();
            writeHeader(out, 0x80 | opcode, n);
            for (int i = 0; i < n; i++) {
                byte b = payload.getByte(payload.readerIndex() + i);
                out.writeByte(maskFrames ? b ^ mask[i & 3] : b);
            }
            System.arraycopy(saved, 0, mask, 0, 4);
            from.write(out, from.voidPromise());
        } finally {
            payload.release();
        }
    }
}
