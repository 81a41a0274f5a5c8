package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes ZMTP 3.x frames ({@code flags size body}) into {@link ZmtpFrame}s (or, once
 * {@link #assembleMessages()} is on, message frames into whole {@link ZmtpMessage}s). A body larger
 * than {@link #COPY_THRESHOLD} that arrived whole in one read is a retained slice of the read
 * buffer; smaller ones are copied into heap buffers of their own (as libzmq copies small messages
 * out of its read buffer). Reserved flag bits are ignored and the LONG form is accepted for any
 * size, as libzmq does.
 *
 * <p>Every read is consumed to its end: a frame cut by the end of a read is gathered in a heap
 * buffer of its own (grown as its bytes arrive, never ahead of them by more than
 * {@link #PENDING_START}), a header cut short in a 10-byte stash. So no read buffer outlives the
 * read that brought it unless a slice of it was handed on. Keeping the tail of each read instead
 * (ByteToMessageDecoder's cumulation) kept a whole pooled read buffer per quiet connection, and
 * with Netty 4.2's adaptive allocator, which carves many buffers out of one chunk, each such
 * buffer could hold a multi-megabyte chunk: a process with 1,000 connections ran out of direct
 * memory. A frame larger than the configured maximum (libzmq's
 * ZMQ_MAXMSGSIZE, per frame) is refused before its body is buffered.
 *
 * <p>Made from {@link InboundLimits}, the decoder starts in the handshake: until
 * {@link #handshakeCompleted()} every frame, command or message, is also held to
 * {@link InboundLimits#maxHandshakeFrameSize()} (checked on the declared length, so an
 * unauthenticated peer can make it buffer no more than that), and it stops after each frame so
 * the handshake sees a message frame before anything behind it is decoded. While it assembles
 * messages, a frame that would take the message above {@link InboundLimits#maxMessageFrames()}
 * frames or {@link InboundLimits#maxMessageSize()} bytes is refused at its header: the frames
 * assembled so far are released and the connection closed.
 *
 * <p>After a handshake whose mechanism boxes frames (CURVE), a {@link FrameUnbox} opens each
 * frame in place before it is assembled ({@link #unboxWith}); message limits then apply to the
 * opened frames.
 *
 * <p>A {@link MessageSink} may take the assembled messages instead of the pipeline
 * ({@link #deliverMessagesTo}), as a socket does once its peer is admitted.
 *
 * <p>For a ZMTP/1.0 peer ({@link #useZmtp10Framing()}) it reads RFC 13's frames instead: a length
 * that counts the flags octet (one octet, or {@code FF} and eight), the flags (only MORE means
 * anything), the body.
 *
 * <p>On malformed input it fires a {@link ZmtpProtocolException}, closes the connection and
 * discards everything that arrives afterwards.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    /** Largest body a frame can have here: a ByteBuf is indexed by int. */
    public static final long MAX_FRAME_SIZE = Integer.MAX_VALUE - 16;
    /** Bodies up to this many bytes are copied out of the read buffer; larger ones are retained slices of it. */
    public static final int COPY_THRESHOLD = 1024;
    /**
     * First capacity of the buffer that gathers a frame cut by the end of a read (or what the read
     * held, if more); it doubles as the bytes arrive, so a declared size costs nothing before its bytes come.
     */
    static final int PENDING_START = 64 * 1024;

    private final long maxFrameSize;
    /** Largest frame body before the handshake is complete (never above {@link #maxFrameSize}). */
    private final long maxHandshakeFrameSize;
    private boolean inHandshake;
    /** Bounds of one assembled message; {@code Long.MAX_VALUE} when there is none. */
    private final long maxMessageSize;
    private final long maxMessageFrames;
    /** Frames of a message still missing its last frame (assembling only). */
    private List<ByteBuf> parts = new ArrayList<>(4);
    /** Sum of the bodies in {@link #parts}. */
    private long partsBytes;
    private boolean assemble;
    /** Opens every frame body after the handshake, when a mechanism boxes frames (CURVE). */
    private FrameUnbox unbox;
    /** The inner flags of a box {@link #openWhereItLies} opened, until the frame is handled; else -1. */
    private int openedFlags = -1;
    /** Takes assembled messages instead of the pipeline, when set (see {@link #deliverMessagesTo}). */
    private MessageSink sink;
    /** A message went to the sink during the read now in progress. */
    private boolean sankInThisRead;
    /** Bytes of the inbound stream consumed before the current cumulation's reader index. */
    private long streamOffset;
    private boolean failed;
    /** Frames have RFC 13's header (ZMTP/1.0): length with the flags octet in it, then flags. */
    private boolean zmtp10;
    /** The frame being read: its flags, body size and header length (2, 9, or 10 for ZMTP/1.0), once its header is in. */
    private int frameFlags;
    private int frameSize;
    private int frameHeaderLength;
    /** The body of the current frame while its bytes arrive over several reads; else null. */
    private ByteBuf pendingBody;
    /** A header cut by the end of a read, and how many of its bytes are in. */
    private final byte[] headerStash = new byte[10];
    private int stashed;

    /**
     * A decoder that starts in the handshake (see the class comment).
     *
     * @param limits       the bounds to enforce
     * @param streamOffset how many inbound bytes came before this decoder (the greeting), for error positions
     */
    public FrameDecoder(InboundLimits limits, long streamOffset) {
        this.maxFrameSize = InboundLimits.effective(limits.maxFrameSize(), MAX_FRAME_SIZE);
        this.maxHandshakeFrameSize = InboundLimits.effective(limits.maxHandshakeFrameSize(), maxFrameSize);
        this.maxMessageSize = InboundLimits.effective(limits.maxMessageSize(), Long.MAX_VALUE);
        this.maxMessageFrames = InboundLimits.effective(limits.maxMessageFrames(), Long.MAX_VALUE);
        this.inHandshake = true;
        this.streamOffset = streamOffset;
    }

    /**
     * A decoder for a stream whose handshake is someone else's business: only the frame size is bounded.
     *
     * @param maxFrameSize the largest frame body accepted, or -1 for no limit below {@link #MAX_FRAME_SIZE}
     * @param streamOffset how many inbound bytes came before this decoder (the greeting), for error positions
     */
    public FrameDecoder(long maxFrameSize, long streamOffset) {
        this(InboundLimits.frameSize(maxFrameSize), streamOffset);
        this.inHandshake = false;
    }

    public FrameDecoder() {
        this(-1, 0);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            for (;;) {
                ByteBuf body;
                if (pendingBody != null) {
                    pendingBody.writeBytes(in, Math.min(in.readableBytes(), frameSize - pendingBody.writerIndex()));
                    if (pendingBody.writerIndex() < frameSize) {
                        return;
                    }
                    body = pendingBody;
                    pendingBody = null;
                } else {
                    if (!in.isReadable() || !readHeader(in)) {
                        return;
                    }
                    if (in.readableBytes() < frameSize) {
                        // The rest arrives in later reads: gather it in a buffer of the frame's own,
                        // so that no read buffer outlives this read (see the class comment).
                        pendingBody = frameSize <= COPY_THRESHOLD ? sinkBuffer(frameSize) : null;
                        if (pendingBody == null) {
                            pendingBody = Unpooled.buffer(Math.min(frameSize, Math.max(in.readableBytes(), PENDING_START)),
                                    frameSize);
                        }
                        pendingBody.writeBytes(in);
                        return;
                    }
                    if (frameSize > COPY_THRESHOLD) {
                        body = in.readRetainedSlice(frameSize);
                    } else if (unbox != null && !in.isReadOnly()) {
                        body = openWhereItLies(in);
                    } else {
                        body = copyOf(in, frameSize);
                    }
                }
                if (!frameArrived(body, out)) {
                    return;
                }
            }
        } catch (ZmtpProtocolException e) {
            // Frames that arrived whole before the fault are delivered first, in order.
            for (Object frame : out) {
                ctx.fireChannelRead(frame);
            }
            out.clear();
            fail(ctx, in, e);
        }
    }

    /**
     * True when {@link #offerMessageFrame} can take frames in this decoder's present state (after
     * the handshake, messages assembled for a sink, frames not boxed): a caller that must first pass
     * on what it read before a frame asks this before it does.
     */
    public boolean takesOfferedFrames() {
        return sink != null && !failed && !inHandshake && unbox == null && !zmtp10;
    }

    /**
     * Takes a whole message frame straight from a handler in front of this decoder that reads
     * another framing (see {@link FrameBodySource}): when nothing of the stream waits here (no frame
     * or header cut by a read, no bytes kept) and the frame would be taken as it comes (after the
     * handshake, messages assembled for a {@link MessageSink}, no mechanism boxing frames, within
     * every limit), the body is copied through {@code body} into the message's buffer and the frame
     * handled as if its ZMTP bytes had been decoded. False, with nothing done, otherwise: the
     * caller then passes the frame on as ZMTP bytes, which this decoder checks and takes as usual.
     * Call it on the channel's event loop, from the caller's {@code channelRead}, only when every
     * byte the caller read before this frame has been passed on.
     *
     * @param flags ZMTP flags of the frame ({@link ZmtpFrame#FLAG_MORE}; a command is never taken)
     * @param size  the body's length, at most {@link #COPY_THRESHOLD}
     */
    public boolean offerMessageFrame(int flags, int size, FrameBodySource body) {
        MessageSink s = sink;
        if (!takesOfferedFrames() || pendingBody != null || stashed != 0 || internalBuffer().isReadable()
                || (flags & ZmtpFrame.FLAG_COMMAND) != 0 || size < 0 || size > COPY_THRESHOLD || size > maxFrameSize
                || parts.size() >= maxMessageFrames || partsBytes + size > maxMessageSize) {
            return false;
        }
        ByteBuf into = s.bodyBuffer(size);
        if (into == null) {
            // As copyOf makes it (an allocator's buffer costs its metrics' counters per message).
            into = Unpooled.wrappedBuffer(new byte[size]).writerIndex(0);
        }
        if (size > 0) {
            body.copyBody(into, size);
        }
        frameFlags = flags & ZmtpFrame.FLAG_MORE;
        frameSize = size;
        frameHeaderLength = 2;
        // Assembled for the sink: nothing is added to the list (a command never comes this way).
        frameArrived(into, List.of());
        return true;
    }

    /**
     * Reads the next frame's header into {@link #frameFlags}, {@link #frameSize} and
     * {@link #frameHeaderLength}, and checks the frame against the limits. A header cut by the
     * end of the read is kept in {@link #headerStash} until the rest comes.
     *
     * @return false when the header is not complete yet ({@code in} is then empty)
     */
    private boolean readHeader(ByteBuf in) {
        long size;
        int flags;
        int headerLength;
        if (stashed == 0) {
            int start = in.readerIndex();
            int first = in.getUnsignedByte(start);
            headerLength = headerLength(first);
            if (in.readableBytes() < headerLength) {
                stash(in);
                return false;
            }
            if (zmtp10) {
                size = headerLength == 10 ? in.getLong(start + 1) : first;
                flags = in.getUnsignedByte(start + headerLength - 1);
            } else {
                flags = first;
                size = headerLength == 9 ? in.getLong(start + 1) : in.getUnsignedByte(start + 1);
            }
            in.skipBytes(headerLength);
        } else {
            stash(in);
            headerLength = headerLength(headerStash[0] & 0xff);
            if (stashed < headerLength) {
                return false;
            }
            if (zmtp10) {
                size = headerLength == 10 ? longAt(headerStash) : headerStash[0] & 0xff;
                flags = headerStash[headerLength - 1] & 0xff;
            } else {
                flags = headerStash[0] & 0xff;
                size = headerLength == 9 ? longAt(headerStash) : headerStash[1] & 0xff;
            }
            stashed = 0;
        }
        if (zmtp10) {
            // The length counts the flags octet; MORE is the only flag ZMTP/1.0 has.
            if (size == 0) {
                throw new ZmtpProtocolException("ZMTP/1.0 frame with length 0 (the length counts the flags octet)",
                        streamOffset);
            }
            size = size - 1;
            flags &= ZmtpFrame.FLAG_MORE;
        }
        if (size < 0 || size > maxFrameSize) {
            throw new ZmtpProtocolException("frame of " + Long.toUnsignedString(size)
                    + " bytes exceeds the maximum frame size of " + maxFrameSize + " bytes",
                    streamOffset);
        }
        if (inHandshake && size > maxHandshakeFrameSize) {
            throw new ZmtpProtocolException("frame of " + size + " bytes before the handshake is complete"
                    + " exceeds the handshake frame limit of " + maxHandshakeFrameSize
                    + " bytes (maxHandshakeFrameSize)", streamOffset);
        }
        if (assemble && (flags & ZmtpFrame.FLAG_COMMAND) == 0 && unbox == null) {
            checkMessageLimits(size);
        }
        frameFlags = flags;
        frameSize = (int) size;
        frameHeaderLength = headerLength;
        return true;
    }

    /** Length of a header that starts with {@code first}. */
    private int headerLength(int first) {
        if (zmtp10) {
            return first == 0xFF ? 10 : 2;
        }
        return (first & ZmtpFrame.FLAG_LONG) != 0 ? 9 : 2;
    }

    /**
     * Moves header bytes from {@code in} to {@link #headerStash}: all of {@code in} when the header
     * is still not complete, else only the header's remaining bytes.
     */
    private void stash(ByteBuf in) {
        if (stashed == 0) {
            headerStash[stashed++] = in.readByte();
        }
        int headerLength = headerLength(headerStash[0] & 0xff);
        int n = Math.min(headerLength - stashed, in.readableBytes());
        in.readBytes(headerStash, stashed, n);
        stashed += n;
    }

    private static long longAt(byte[] header) {
        long v = 0;
        for (int i = 1; i < 9; i++) {
            v = (v << 8) | (header[i] & 0xff);
        }
        return v;
    }

    /**
     * Handles a frame whose body is complete: opens it (CURVE), then hands it on as a frame or as
     * part of a message.
     *
     * @return false when decoding must stop here for now (see the comments inside)
     */
    private boolean frameArrived(ByteBuf body, List<Object> out) {
        streamOffset += frameHeaderLength + frameSize;
        boolean command = (frameFlags & ZmtpFrame.FLAG_COMMAND) != 0;
        boolean more = (frameFlags & ZmtpFrame.FLAG_MORE) != 0;
        long size = frameSize;
        if (unbox != null) {
            // The outer flags mean nothing: the box holds the frame and its flags.
            int inner;
            try {
                if (openedFlags >= 0) {
                    inner = openedFlags;
                    openedFlags = -1;
                } else {
                    body = writable(body);
                    inner = unbox.open(body);
                }
                command = (inner & ZmtpFrame.FLAG_COMMAND) != 0;
                if (assemble && !command) {
                    checkMessageLimits(body.readableBytes());
                }
            } catch (RuntimeException e) {
                body.release();
                throw e;
            }
            more = (inner & ZmtpFrame.FLAG_MORE) != 0;
            size = body.readableBytes();
        }
        if (command) {
            out.add(ZmtpFrame.command(body));
            if (sink != null) {
                // Messages behind it go to the sink at once: let the command go down the
                // pipeline first, so the two stay in arrival order.
                return false;
            }
            if (inHandshake) {
                // A handshake command may change how the next frames are read (the
                // handshake ends with one): let it be handled before decoding on. After
                // it no command does, so commands (CURVE's MESSAGEs among them) decode
                // in a batch like message frames.
                return false;
            }
        } else if (!assemble) {
            out.add(ZmtpFrame.message(body, more));
            if (inHandshake) {
                // The handshake refuses it: nothing behind it needs decoding.
                return false;
            }
        } else if (!more && parts.isEmpty()) {
            MessageSink s = sink;
            emit(out, s != null ? s.newMessage(body) : ZmtpMessage.of(body));
        } else {
            parts.add(body);
            partsBytes += size;
            if (!more) {
                MessageSink s = sink;
                ZmtpMessage m = s != null ? s.newMessage(parts) : ZmtpMessage.of(parts);
                forgetParts();
                emit(out, m);
            }
        }
        return true;
    }

    private void emit(List<Object> out, ZmtpMessage message) {
        MessageSink s = sink;
        if (s != null) {
            sankInThisRead = true;
            s.message(message);
        } else {
            out.add(message);
        }
    }

    /** Refuses, before its body is buffered, a frame that would take the message being assembled past a limit. */
    private void checkMessageLimits(long size) {
        if (parts.size() >= maxMessageFrames) {
            throw new ZmtpProtocolException("message of more than " + maxMessageFrames
                    + " frames exceeds the per-message frame limit (maxMessageFrames)", streamOffset);
        }
        if (partsBytes + size > maxMessageSize) {
            throw new ZmtpProtocolException("message of at least " + (partsBytes + size)
                    + " bytes exceeds the per-message size limit of " + maxMessageSize + " bytes (maxMessageSize)",
                    streamOffset);
        }
    }

    /** Empties {@link #parts} without releasing; a list grown by a long message is not kept. */
    private void forgetParts() {
        if (parts.size() > 64) {
            parts = new ArrayList<>(4);
        } else {
            parts.clear();
        }
        partsBytes = 0;
    }

    private void releasePending() {
        if (pendingBody != null) {
            pendingBody.release();
            pendingBody = null;
        }
        stashed = 0;
    }

    private void releaseParts() {
        for (ByteBuf b : parts) {
            b.release();
        }
        forgetParts();
    }

    /**
     * A small body copied into a heap buffer of its own. Cheaper than a slice: a slice shares the
     * read buffer's reference count with every other slice of it, and the application releases
     * them on another thread; a copy also does not keep a whole read buffer alive for a few bytes.
     */
    private ByteBuf copyOf(ByteBuf in, int size) {
        ByteBuf into = sinkBuffer(size);
        if (into != null) {
            in.readBytes(into, size);
            return into;
        }
        byte[] bytes = new byte[size];
        in.readBytes(bytes);
        return Unpooled.wrappedBuffer(bytes);
    }

    /** A buffer from the sink to copy a small body of {@code size} bytes into, or null (see {@link MessageSink#bodyBuffer}). */
    private ByteBuf sinkBuffer(int size) {
        MessageSink s = sink;
        return s == null ? null : s.bodyBuffer(size);
    }

    /**
     * A small boxed frame opened where it lies in the read buffer (verified, then decrypted in
     * place: those bytes are this decoder's and are read once), and only its plain body copied out,
     * so the copy is a plain frame's size instead of carrying the box's nonce, tag and flags (33
     * bytes) along. The inner flags wait in {@link #openedFlags} for {@link #frameArrived}.
     */
    private ByteBuf openWhereItLies(ByteBuf in) {
        int end = in.readerIndex() + frameSize;
        int limit = in.writerIndex();
        in.writerIndex(end);
        try {
            openedFlags = unbox.open(in);
            return copyOf(in, in.readableBytes());
        } finally {
            in.setIndex(end, limit);
        }
    }

    /** {@code body} itself when it may be written (opened in place), else a copy of it. */
    private static ByteBuf writable(ByteBuf body) {
        if (!body.isReadOnly()) {
            return body;
        }
        ByteBuf copy = Unpooled.copiedBuffer(body);
        body.release();
        return copy;
    }

    /**
     * From the next frame on, every frame is a box that {@code unbox} opens where it lies (the
     * handshake calls it when its mechanism boxes frames, as CURVE does); the decoder owns it from
     * here and closes it when it leaves the pipeline. Call it on the channel's event loop, from the
     * handling of the command that completed the handshake.
     */
    public void unboxWith(FrameUnbox unbox) {
        if (this.unbox != null) {
            this.unbox.close();
        }
        this.unbox = unbox;
    }

    /**
     * Reads ZMTP/1.0 frames (RFC 13) from here on: the greeting handler calls it, before the first
     * frame, for a peer that speaks 1.0.
     */
    public void useZmtp10Framing() {
        this.zmtp10 = true;
    }

    /**
     * The largest frame body this decoder takes now: the handshake's limit until the handshake is
     * done, then the frame size limit. For a handler in front of it that must buffer a frame before
     * it can pass the frame's header on (ZWS's fragmented WebSocket messages).
     */
    public long frameLimit() {
        return inHandshake ? maxHandshakeFrameSize : maxFrameSize;
    }

    /**
     * Ends the handshake: from the next frame on only {@link InboundLimits#maxFrameSize()} bounds a
     * frame. Call it on the channel's event loop, from the handling of the command that completed
     * the handshake (the decoder stops after each command, so nothing behind it is read yet).
     */
    public void handshakeCompleted() {
        this.inHandshake = false;
    }

    /**
     * From the next frame on, emits whole {@link ZmtpMessage}s instead of message frames (commands
     * stay {@link ZmtpFrame}s): the work of a {@link MessageAssembler} without a frame object and a
     * pipeline hop per message. The handshake turns it on when no mechanism transforms frames
     * after this decoder (NULL, PLAIN). Call it on the channel's event loop, from the handling of a
     * command: the decoder stops after each command so none of the frames behind it is read yet.
     */
    public void assembleMessages() {
        this.assemble = true;
    }

    /** True once {@link #assembleMessages()} is on: this decoder emits whole messages. */
    public boolean assemblesMessages() {
        return assemble;
    }

    /**
     * From the next message on, hands whole messages to {@code sink} as they are decoded, instead
     * of passing them down the pipeline (null: back to the pipeline). This skips the per-message
     * walk through the handlers behind this one (a tenth of a receiving event loop's time at 16 B),
     * so use it only when none of them needs to see messages: the handlers {@link ZmtpPipeline}
     * installs do not (the heartbeat counts any read as a sign of life). Commands still go down
     * the pipeline, in order with the messages around them. Only while assembling
     * ({@link #assemblesMessages()}); call it on the channel's event loop.
     *
     * @throws IllegalStateException when this decoder does not assemble messages
     */
    public void deliverMessagesTo(MessageSink sink) {
        if (sink != null && !assemble) {
            throw new IllegalStateException("this decoder emits frames, not messages: call assembleMessages() first");
        }
        this.sink = sink;
    }

    /**
     * ByteToMessageDecoder asks for another read when a read produced nothing and auto-read is
     * off (the handlers behind it then got nothing that could make them ask). Messages that went
     * to the sink were something: a socket that stopped reading at its receive HWM stays stopped.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (sankInThisRead) {
            sankInThisRead = false;
            discardSomeReadBytes();
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        // A message cut short (the connection closed, or the decoder was removed) is never delivered.
        releaseParts();
        releasePending();
        if (unbox != null) {
            unbox.close();
        }
    }

    /** Capacity of the buffer gathering a frame cut by a read; 0 when there is none (for tests). */
    int pendingCapacity() {
        return pendingBody == null ? 0 : pendingBody.capacity();
    }

    /** Inbound bytes this decoder has consumed so far, plus the greeting before it. */
    public long streamOffset() {
        return streamOffset;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, ZmtpProtocolException e) {
        failed = true;
        releaseParts();
        releasePending();
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(e);
        ctx.close();
    }
}
