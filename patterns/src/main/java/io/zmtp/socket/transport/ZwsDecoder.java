package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.zmtp.codec.FrameBodySource;
import io.zmtp.codec.FrameDecoder;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;

import static io.zmtp.socket.transport.WsFrameHeader.OP_BINARY;
import static io.zmtp.socket.transport.WsFrameHeader.OP_CLOSE;
import static io.zmtp.socket.transport.WsFrameHeader.OP_CONTINUATION;
import static io.zmtp.socket.transport.WsFrameHeader.OP_PING;
import static io.zmtp.socket.transport.WsFrameHeader.OP_PONG;
import static io.zmtp.socket.transport.WsFrameHeader.OP_TEXT;

/**
 * Reads ZWS 2.0 (ZeroMQ RFC 45 over RFC 6455): each binary WebSocket message is one ZMTP frame, a
 * flags byte (MORE 0x01, COMMAND 0x02) then the body. It hands the codec's frame decoder behind it
 * the same frame in ZMTP 3.x form (COMMAND as 0x04, LONG when needed, the size, the body) as the
 * bytes arrive, so that decoder checks every declared size against its limits before anything is
 * buffered, exactly as on tcp.
 *
 * <p>Once the peer is admitted (the frame decoder hands messages to the socket's sink), a whole
 * small message in a read goes to the frame decoder straight
 * ({@link FrameDecoder#offerMessageFrame}): its body is unmasked as it is copied into the message,
 * one pass in place of a translation here and a parse and copy there. Everything else is translated:
 *
 * <p>The translation is done in the read buffer itself: a frame's bytes are unmasked where they lie
 * and moved down over the WebSocket header they no longer need, behind the ZMTP header written in
 * its place, and the buffer goes on to the frame decoder as tcp's would (no buffer per read). A
 * large body that spans reads is unmasked into a buffer of its own as it arrives and goes on whole,
 * behind its header, so that the frame decoder takes it as it lies instead of copying it again. A
 * ZMTP header that does not fit in front of its body (a server's unmasked 126-byte-length header is
 * shorter than ZMTP's long one, or the WebSocket header came in an earlier read) sends the rest of
 * the read through a copy instead. PING is answered with PONG, CLOSE with CLOSE and the end of the
 * connection; a text message, a reserved bit or opcode, a server frame that is masked or a client
 * frame that is not breaks the protocol. A message fragmented into continuation frames is gathered
 * whole ({@link ZwsHeldFrames}) before it is passed on.
 */
final class ZwsDecoder extends ChannelInboundHandlerAdapter implements FrameBodySource {
    static final int COPY_THRESHOLD = 1024;
    /** First capacity of a gathered body's buffer; it grows as the body arrives, up to the body's size. */
    private static final int GATHER_START = 64 * 1024;

    /** True on the server side: every frame from the peer must be masked (and ours are not). */
    private final boolean server;

    /** The current frame's header, read as it arrives. */
    private final WsFrameHeader header = new WsFrameHeader();
    private boolean inPayload;
    private int opcode;
    private boolean fin;
    /** The frame's mask key, its first byte the most significant. */
    private int maskKey;
    private boolean masked;
    private long payloadLength;
    private long payloadRead;
    /** A whole binary frame whose ZWS flags byte is still to come. */
    private boolean flagsPending;
    private long bodyLength;
    /** A fragmented message and a control frame, held until whole. */
    private final ZwsHeldFrames held = new ZwsHeldFrames();
    private boolean failed;

    /** The read being translated, and its translated bytes so far: in[regionStart, written). */
    private ByteBuf in;
    /** The read's memory address for raw access, or 0. */
    private long inAddress;
    /** A header did not fit in place only because of where a read ended: back in place after its frame. */
    private boolean resumeInPlace;
    private int regionStart;
    private int written;
    /** After a header that did not fit in place: the rest of the translated bytes, behind the region. */
    private ByteBuf copy;
    /** A large frame whose body spans reads, gathered whole (ZMTP header, then the body unmasked). */
    private ByteBuf gather;
    /** The frame decoder behind this handler's context, for small messages handed to it directly. */
    private ChannelHandlerContext framesContext;
    /** The small message being offered to the frame decoder: its body's index in the read, and mask key (0: none). */
    private int bodyFrom;
    private int bodyKey;
    /** Messages the frame decoder took straight (for tests). */
    long handedStraight;

    ZwsDecoder(boolean server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            buf.release();
            return;
        }
        in = buf;
        inAddress = WsMask.addressOf(buf);
        framesContext(ctx);
        regionStart = written = buf.readerIndex();
        ZmtpProtocolException fault = null;
        try {
            decode(ctx);
        } catch (ZmtpProtocolException e) {
            fault = e;
        } finally {
            // What arrived whole before a fault goes on first.
            finishRead(ctx);
        }
        if (fault != null) {
            fail(ctx, fault);
        }
    }

    private void decode(ChannelHandlerContext ctx) {
        ByteBuf in = this.in;
        while (in.isReadable() && !failed) {
            if (!inPayload) {
                if (copy == null && !held.fragmenting() && !header.partial() && smallMessage(ctx, in)) {
                    continue;
                }
                if (!header.read(in)) {
                    return;
                }
                startFrame(ctx);
                continue;
            }
            int n = (int) Math.min(payloadLength - payloadRead, in.readableBytes());
            if (opcode == OP_BINARY && !held.fragmenting()) {
                if (flagsPending) {
                    if (masked) {
                        WsMask.xor(in, inAddress, in.readerIndex(), 1, maskKey, payloadRead);
                    }
                    int zws = in.readByte();
                    payloadRead++;
                    n--;
                    flagsPending = false;
                    startBody(ctx, zws);
                }
                if (n > 0) {
                    if (gather != null) {
                        gatherBody(n);
                    } else {
                        if (masked) {
                            WsMask.xor(in, inAddress, in.readerIndex(), n, maskKey, payloadRead);
                        }
                        int from = in.readerIndex();
                        in.skipBytes(n);
                        put(from, n);
                    }
                    payloadRead += n;
                }
            } else {
                if (masked) {
                    WsMask.xor(in, inAddress, in.readerIndex(), n, maskKey, payloadRead);
                }
                payloadRead += n;
                held.append(opcode >= OP_CLOSE, in, n);
            }
            if (payloadRead == payloadLength) {
                endFrame(ctx);
            }
        }
    }

    /**
     * The common case in one step: a whole binary message of at most 125 payload bytes (its flags
     * byte and a body of up to 124), header and payload all in this read, masked as the peer's side
     * must mask. A message frame goes to the frame decoder straight when it takes offered frames
     * (what this read brought before it is passed on first); otherwise it is translated as the
     * general path would (its ZMTP header in front of its body, the body unmasked as it is moved
     * down behind what came before, in one pass). False, with nothing read, for anything else,
     * which the general path then takes (and checks).
     */
    private boolean smallMessage(ChannelHandlerContext ctx, ByteBuf in) {
        int r = in.readerIndex();
        int available = in.writerIndex() - r;
        if (available < 3) {
            return false;
        }
        int b0 = in.getUnsignedByte(r);
        int b1 = in.getUnsignedByte(r + 1);
        int length = b1 & 0x7f;
        boolean maskedHere = (b1 & 0x80) != 0;
        // 0x82: FIN, no reserved bit, binary.
        if (b0 != 0x82 || length == 0 || length > 125 || maskedHere != server) {
            return false;
        }
        int payload = r + (maskedHere ? 6 : 2);
        if (payload + length > in.writerIndex()) {
            return false;
        }
        int key = maskedHere ? in.getInt(r + 2) : 0;
        int flags = ZwsEnvelope.zmtpFlags((in.getByte(payload) ^ (key >>> 24)) & 0xff);
        int size = length - 1;
        FrameDecoder frames;
        if ((flags & ZmtpFrame.FLAG_COMMAND) == 0 && framesContext != null
                && (frames = (FrameDecoder) framesContext.handler()).takesOfferedFrames()) {
            // The frame decoder takes the message straight, its body unmasked as it is copied into
            // the message (see FrameBodySource), once what this read brought before it is passed on.
            if (written > regionStart) {
                emitPending(ctx);
            }
            bodyFrom = payload + 1;
            bodyKey = key;
            if (frames.offerMessageFrame(flags, size, this)) {
                handedStraight++;
                in.readerIndex(payload + length);
                regionStart = written = payload + length;
                return true;
            }
        }
        // The ZMTP header (2 bytes) fits: what was written ends at or before this frame's first byte,
        // and the body starts at least three bytes after it.
        in.setShort(written, flags << 8 | size);
        written += 2;
        if (size > 0) {
            if (maskedHere) {
                WsMask.moveDownUnmasked(in, inAddress, payload + 1, written, size, key, 1);
            } else {
                WsMask.moveDown(in, inAddress, payload + 1, written, size);
            }
            written += size;
        }
        in.readerIndex(payload + length);
        return true;
    }

    /** The body of the small message {@link #smallMessage} offers the frame decoder, unmasked as it is copied. */
    @Override
    public void copyBody(ByteBuf into, int size) {
        if (bodyKey == 0) {
            into.writeBytes(in, bodyFrom, size);
        } else {
            // Payload byte 1 on: the flags byte was byte 0.
            WsMask.copyUnmasked(in, inAddress, bodyFrom, into, size, bodyKey, 1);
        }
    }

    /** The frame whose {@link #header} was just read. */
    private void startFrame(ChannelHandlerContext ctx) {
        header.check(server);
        payloadLength = header.payloadLength();
        maskKey = header.maskKey();
        fin = header.fin();
        opcode = header.opcode();
        masked = header.masked();
        payloadRead = 0;
        switch (opcode) {
            case OP_BINARY -> {
                if (held.fragmenting()) {
                    throw new ZmtpProtocolException("a new WebSocket message began inside a fragmented one");
                }
                if (!fin) {
                    held.startMessage(frameLimit(ctx), payloadLength);
                } else if (payloadLength == 0) {
                    throw new ZmtpProtocolException("an empty ZWS message (it needs its flags byte)");
                } else {
                    flagsPending = true;
                    bodyLength = payloadLength - 1;
                }
            }
            case OP_CONTINUATION -> held.continueMessage(frameLimit(ctx), payloadLength);
            case OP_CLOSE, OP_PING, OP_PONG -> {
                if (!fin || payloadLength > 125) {
                    throw new ZmtpProtocolException("a WebSocket control frame must be whole and at most 125 bytes");
                }
                held.startControl((int) payloadLength);
            }
            case OP_TEXT -> throw new ZmtpProtocolException("a WebSocket text message (ZWS uses binary messages only)");
            default -> throw new ZmtpProtocolException("WebSocket frame with reserved opcode " + opcode);
        }
        inPayload = true;
        if (payloadLength == 0) {
            endFrame(ctx);
        }
    }

    /**
     * A whole binary frame's flags byte arrived: its ZMTP header goes in front of the body, or, for a
     * large body the read does not hold all of, into a heap buffer of the frame's own that the body
     * is copied into as it comes (unmasked in the read first), handed on whole when it is complete so
     * that the frame decoder takes the body as it lies instead of copying it again. The heap, as the
     * frame decoder's own gathering: a pooled direct buffer of the body's size cost a fresh, zeroed
     * allocator chunk about once a frame at 64 KiB (1,354 + 1,154 samples of a receiving JVM's 15,038).
     * Only a body within the frame decoder's limit is gathered: a larger one goes on in place, to be
     * refused at its header there.
     */
    private void startBody(ChannelHandlerContext ctx, int zws) {
        long size = bodyLength;
        if (size > COPY_THRESHOLD && in.readableBytes() < size && size <= frameLimit(ctx)) {
            int flags = ZwsEnvelope.zmtpFlags(zws);
            // Up to 64 KiB of body at once (no growth below that), more as more arrives: a peer's declared
            // size alone never allocates.
            int initial = (int) Math.min(9 + size, 9L + Math.max(GATHER_START, in.readableBytes()));
            gather = Unpooled.buffer(initial, (int) (9 + size));
            gather.writeByte(flags | ZmtpFrame.FLAG_LONG).writeLong(size);
            return;
        }
        putZmtpHeader(ctx, zws, size);
    }

    /**
     * The limit in force of the frame decoder behind this one, -1 when there is none; its context is
     * looked up again only when the decoder was replaced, not once a frame.
     */
    private long frameLimit(ChannelHandlerContext ctx) {
        ChannelHandlerContext frames = framesContext(ctx);
        return frames == null ? -1 : ((FrameDecoder) frames.handler()).frameLimit();
    }

    /** The frame decoder's context behind this handler, or null; looked up again only once it was removed. */
    private ChannelHandlerContext framesContext(ChannelHandlerContext ctx) {
        ChannelHandlerContext frames = framesContext;
        if (frames == null || frames.isRemoved()) {
            framesContext = frames = ctx.pipeline().context(FrameDecoder.class);
        }
        return frames;
    }

    /**
     * The next {@code n} bytes of a gathered body: unmasked where they lie (raw words on the read's
     * address), then copied into {@link #gather} by the JVM's copy; the one-pass unmasking copy into
     * a heap array (a byte-array view per word) profiled slower.
     */
    private void gatherBody(int n) {
        ByteBuf g = gather;
        g.ensureWritable(n);
        if (masked) {
            WsMask.xor(in, inAddress, in.readerIndex(), n, maskKey, payloadRead);
        }
        g.writeBytes(in, in.readerIndex(), n);
        in.skipBytes(n);
    }

    /** Appends {@code n} bytes of the read at {@code from} (not before {@link #written}) to the translation. */
    private void put(int from, int n) {
        if (copy != null) {
            copy.writeBytes(in, from, n);
            return;
        }
        if (from != written) {
            WsMask.moveDown(in, inAddress, from, written, n);
        }
        written += n;
    }

    /**
     * Appends the ZMTP header of a frame of {@code size} body bytes: in place when it fits before the
     * read's next byte (the body's first), else into {@link #copy}; a large body then goes on in place
     * again, behind it.
     */
    private void putZmtpHeader(ChannelHandlerContext ctx, int zws, long size) {
        int flags = ZwsEnvelope.zmtpFlags(zws);
        int length = size > 255 ? 9 : 2;
        if (copy == null && in != null && written + length <= in.readerIndex()) {
            if (length == 2) {
                in.setShort(written, flags << 8 | (int) size);
            } else {
                in.setByte(written, flags | ZmtpFrame.FLAG_LONG);
                in.setLong(written + 1, size);
            }
            // A large body here is whole in this read (else it is gathered): moved down behind its
            // header, the frame decoder takes it as it lies.
            written += length;
            return;
        }
        ByteBuf b = copyBuffer(ctx, length + (int) Math.min(size, COPY_THRESHOLD));
        if (length == 2) {
            b.writeByte(flags).writeByte((int) size);
        } else {
            b.writeByte(flags | ZmtpFrame.FLAG_LONG).writeLong(size);
        }
        if (size > COPY_THRESHOLD && in != null) {
            // Not worth copying: the header goes on by itself and the body in place behind it.
            emitPending(ctx);
        } else if (masked || size < 256) {
            // It did not fit because the read cut this frame's header: in place again after the frame.
            // (A server's plain header for 256 to 65,535 bytes is always 4 bytes short of ZMTP's:
            // such frames stay in the copy to the end of the read.)
            resumeInPlace = true;
        }
    }

    private ByteBuf copyBuffer(ChannelHandlerContext ctx, int bytes) {
        if (copy == null) {
            copy = ctx.alloc().heapBuffer(Math.max(256, bytes));
        }
        copy.ensureWritable(bytes);
        return copy;
    }

    private void endFrame(ChannelHandlerContext ctx) {
        inPayload = false;
        switch (opcode) {
            case OP_BINARY, OP_CONTINUATION -> {
                if (gather != null) {
                    // What came before the gathered frame goes on first.
                    emitPending(ctx);
                    ByteBuf g = gather;
                    gather = null;
                    ctx.fireChannelRead(g);
                }
                if (resumeInPlace && !held.fragmenting()) {
                    resumeInPlace = false;
                    emitPending(ctx);
                }
                if (held.fragmenting() && fin) {
                    ByteBuf message = held.takeMessage();
                    try {
                        if (!message.isReadable()) {
                            throw new ZmtpProtocolException("an empty ZWS message (it needs its flags byte)");
                        }
                        int zws = message.readByte();
                        long size = message.readableBytes();
                        // The gathered bytes are not in the read: header and body go through the copy.
                        copyBuffer(ctx, 9);
                        putZmtpHeader(ctx, zws, size);
                        if (copy == null) {
                            copyBuffer(ctx, message.readableBytes());
                        }
                        copy.writeBytes(message);
                    } finally {
                        message.release();
                    }
                }
            }
            case OP_PING -> {
                ZwsEnvelope.writeControl(ctx, !server, OP_PONG, held.takeControl());
                ctx.flush();
            }
            case OP_PONG -> held.takeControl().release();
            case OP_CLOSE -> {
                // What came before goes on; the peer's status is echoed and the connection ends.
                emitPending(ctx);
                failed = true;
                ZwsHeldFrames.close(ctx, !server, held.takeControl());
            }
            default -> throw new IllegalStateException("opcode " + opcode);
        }
    }

    /**
     * Hands on what was translated so far (the region in place, then the copy), and starts a new
     * region in place at the read's next byte.
     */
    private void emitPending(ChannelHandlerContext ctx) {
        if (written > regionStart) {
            ctx.fireChannelRead(in.retainedSlice(regionStart, written - regionStart));
        }
        ByteBuf c = copy;
        copy = null;
        if (c != null) {
            if (c.isReadable()) {
                ctx.fireChannelRead(c);
            } else {
                c.release();
            }
        }
        regionStart = written = in.readerIndex();
    }

    /** The read is translated: the buffer itself goes on when it holds all of it, else the pieces. */
    private void finishRead(ChannelHandlerContext ctx) {
        ByteBuf buf = in;
        resumeInPlace = false;
        if (copy == null && written > regionStart) {
            in = null;
            buf.setIndex(regionStart, written);
            ctx.fireChannelRead(buf);
            return;
        }
        emitPending(ctx);
        in = null;
        buf.release();
    }

    private void fail(ChannelHandlerContext ctx, ZmtpProtocolException e) {
        failed = true;
        release();
        ctx.fireExceptionCaught(e);
        ZwsHeldFrames.closeOnProtocolError(ctx, !server);
    }

    private void release() {
        if (gather != null) {
            gather.release();
            gather = null;
        }
        held.release();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
        ReferenceCountUtil.safeRelease(copy);
        copy = null;
    }
}
