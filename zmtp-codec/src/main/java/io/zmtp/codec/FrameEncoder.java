package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.internal.PlatformDependent;
import io.zmtp.codec.command.Cancel;
import io.zmtp.codec.command.Command;
import io.zmtp.codec.command.Subscribe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Encodes {@link ZmtpMessage}s, {@link ZmtpFrame}s and {@link Command}s into ZMTP 3.x frames.
 *
 * <p>Small frames are copied, header and body together, into one batch buffer that is written when
 * it fills up or at flush, so many small messages leave in few syscalls. A body larger than
 * {@link #COPY_THRESHOLD} is never copied: its header ends the current batch and the body buffer
 * itself is written next. Every message's promise completes when its last byte has been written.
 *
 * <p>After a CURVE handshake a {@link FrameBox} boxes every frame in the batch buffer itself
 * ({@link #boxWith}); boxed bodies are always copied, since they are encrypted where they lie.
 *
 * <p>{@link Subscribe} and {@link Cancel} go out as commands to a ZMTP 3.1 peer and as
 * {@code 0x01}/{@code 0x00} messages to a 3.0 peer ({@link #peerVersion(ZmtpVersion)}). A ZMTP 2.0
 * peer gets 3.0's framing and a 1.0 peer RFC 13's (length counting the flags octet, then flags);
 * neither has commands, so any other command to them fails its write.
 * Raw {@link ByteBuf}s (the greeting) pass through unchanged, in order.
 */
public final class FrameEncoder extends ChannelOutboundHandlerAdapter {
    /** Bodies up to this many bytes are copied into the batch; larger ones are written as they are. */
    public static final int COPY_THRESHOLD = 1024;
    /** Size of a batch buffer; libzmq batches up to 8192 bytes per write. */
    static final int BATCH_CAPACITY = 8192;
    /** Longest frame header: 9 bytes in ZMTP 3.x and 2.0, 10 in 1.0. */
    private static final int MAX_HEADER = 10;

    private ByteBuf batch;
    /** Promises of the messages whose last byte is in {@link #batch}. */
    private final List<ChannelPromise> batchPromises = new ArrayList<>();
    private ZmtpVersion peerVersion = ZmtpVersion.V3_1;
    /** Frames get RFC 13's header (ZMTP/1.0 peer). */
    private boolean zmtp10;
    /** Subscriptions go as messages whatever the peer's version (ZWS, as libzmq's ws engine sends them). */
    private boolean subscriptionsAsMessages;
    private ChannelHandlerContext ctx;
    private volatile boolean directWrites;
    /** A handler between this encoder and the connection rewrites the bytes: never skip the pipeline. */
    private boolean writesStayInPipeline;
    /** Boxes every frame once a mechanism that needs it (CURVE) has finished its handshake; else null. */
    private FrameBox box;
    /** While {@link #encodeOutside} runs: where the encoded bytes go instead of down the pipeline. */
    private Consumer<ByteBuf> outside;
    /** Another protocol's framing around each frame instead of ZMTP's header (ZWS), or null. */
    private FrameEnvelope envelope;
    /** Every body is copied into the batch: the envelope rewrites bodies there (masking). */
    private boolean copyEveryBody;
    /** Room a frame header takes at most, {@link #MAX_HEADER} or the envelope's. */
    private int maxHeader = MAX_HEADER;

    /** Tells the encoder which form subscriptions take; the handshake sets it from the peer's greeting. */
    public void peerVersion(ZmtpVersion version) {
        this.peerVersion = version;
        this.zmtp10 = version.hasZmtp10Framing();
    }

    /** From now on SUBSCRIBE and CANCEL go as {@code 0x01}/{@code 0x00} messages to any peer (ZWS). */
    public void subscriptionsAsMessages() {
        this.subscriptionsAsMessages = true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * From the next frame on, every frame is boxed by {@code box}, which this encoder then owns and
     * closes when it leaves the pipeline. The handshake calls this, on the event loop, after the
     * mechanism's last unboxed command was written.
     */
    public void boxWith(FrameBox box) {
        if (this.box != null) {
            box.close();
            throw new IllegalStateException("this connection's frames are boxed already");
        }
        this.box = box;
    }

    /**
     * From now on (before any frame is written) every frame goes in {@code envelope} instead of
     * behind a ZMTP header: ZWS's WebSocket framing, done here in the batch buffer rather than by a
     * handler below that would parse the encoded stream again. Direct and borrowed writes stay
     * available, as on tcp.
     */
    public void envelope(FrameEnvelope envelope) {
        this.envelope = envelope;
        this.copyEveryBody = envelope.rewritesBody();
        this.maxHeader = Math.max(MAX_HEADER, envelope.maxHeaderLength());
    }

    /**
     * The handshake calls this when no handler it installed transforms writes on their way here
     * (NULL, PLAIN, and CURVE, whose boxing happens in this encoder).
     */
    public void allowDirectWrites() {
        this.directWrites = !writesStayInPipeline;
    }

    /**
     * A handler between this encoder and the connection rewrites what it writes (ZWS's WebSocket
     * framing), so every write must pass through it: {@link #writeDirect} and {@link #encodeOutside}
     * stay off, whatever the handshake allows.
     */
    public void keepWritesInPipeline() {
        this.writesStayInPipeline = true;
        this.directWrites = false;
    }

    /**
     * True when {@link #writeDirect} may be used: the handshake is done and nothing the codec put
     * between the pipeline's tail and this encoder changes what is written. A caller's own outbound
     * handlers in that stretch would be skipped by direct writes; do not mix the two.
     */
    public boolean acceptsDirectWrites() {
        return directWrites;
    }

    /**
     * Encodes {@code message} as a write from the pipeline's tail would, without walking the
     * pipeline to get here (a few handler lookups per message, which show in a profile at millions of
     * messages per second). Event loop only; the encoder takes ownership of the message. Written
     * bytes leave at the next flush of the channel.
     */
    public void writeDirect(ZmtpMessage message) {
        if (!directWrites) {
            message.release();
            throw new IllegalStateException("direct writes are not allowed on this connection");
        }
        write(ctx, message, ctx.voidPromise());
    }

    /**
     * Encodes {@code message} as {@link #writeDirect} would, but hands every encoded buffer (the
     * batch this encoder held, with the message's frames copied in) to {@code out}, in order, instead
     * of down the pipeline: for a thread that writes to the connection itself while the event loop
     * is kept off it (the caller guarantees that nothing else uses this encoder meanwhile, and that
     * the bytes reach the connection before anything the loop writes later). Every body is copied,
     * so the message is released here. Promises of messages in the held batch complete when it is
     * handed to {@code out}.
     */
    public void encodeOutside(ZmtpMessage message, Consumer<ByteBuf> out) {
        if (!directWrites) {
            message.release();
            throw new IllegalStateException("direct writes are not allowed on this connection");
        }
        outside = out;
        try {
            write(ctx, message, ctx.voidPromise());
            writeBatch(ctx);
        } finally {
            outside = null;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        try {
            if (msg instanceof ZmtpMessage message) {
                requireLive(message);
                int last = message.size() - 1;
                boolean sole = message.refCnt() == 1;
                for (int i = 0; i <= last; i++) {
                    appendFrame(ctx, message.frame(i), sole, i < last ? ZmtpFrame.FLAG_MORE : 0, i == last ? promise : null);
                }
            } else if (msg instanceof ZmtpFrame frame) {
                int flags = (frame.more() ? ZmtpFrame.FLAG_MORE : 0) | (frame.isCommand() ? ZmtpFrame.FLAG_COMMAND : 0);
                appendFrame(ctx, frame.content(), frame.refCnt() == 1, flags, promise);
            } else if (msg instanceof Command command) {
                appendCommand(ctx, command, promise);
            } else if (msg instanceof ByteBuf raw) {
                writeBatch(ctx);
                ctx.write(raw.retain(), promise);
            } else {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IllegalArgumentException("FrameEncoder cannot write "
                        + msg.getClass().getName() + "; write a ZmtpMessage, ZmtpFrame or Command"));
                return;
            }
            ReferenceCountUtil.release(msg);
        } catch (RuntimeException e) {
            // safeRelease: a message that was already released must fail with the first error, not
            // throw a second one from here.
            ReferenceCountUtil.safeRelease(msg);
            promise.tryFailure(e);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writeBatch(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        writeBatch(ctx);
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        writeBatch(ctx);
        if (box != null) {
            box.close();
        }
    }

    private void appendCommand(ChannelHandlerContext ctx, Command command, ChannelPromise promise) {
        boolean asMessage = (subscriptionsAsMessages || !peerVersion.hasSubscriptionCommands())
                && (command instanceof Subscribe || command instanceof Cancel);
        if (!asMessage && peerVersion.isLegacy()) {
            throw new IllegalStateException("a ZMTP " + peerVersion + " peer has no commands: cannot send "
                    + command.name());
        }
        int length = asMessage ? 1 + command.dataLength() : command.encodedLength();
        int flags = asMessage ? 0 : ZmtpFrame.FLAG_COMMAND;
        ByteBuf out = reserve(ctx, maxHeader + wireLength(length));
        int mark = out.writerIndex();
        int start = beginFrame(out, flags, length);
        if (asMessage) {
            out.writeByte(command instanceof Subscribe ? 1 : 0);
            command.encodeData(out);
        } else {
            command.encode(out);
        }
        if (out.writerIndex() - start != length) {
            int wrote = out.writerIndex() - start;
            out.writerIndex(mark);
            throw new IllegalStateException(command.name() + " wrote " + wrote + " bytes but announced " + length);
        }
        endFrame(out, mark, start, flags, length);
        track(promise);
    }

    /**
     * Appends one frame; {@code promise} is the message's, given with its last frame only.
     * {@code sole}: nothing but the message being written holds it (its reference count is 1).
     */
    private void appendFrame(ChannelHandlerContext ctx, ByteBuf body, boolean sole, int flags, ChannelPromise promise) {
        int length = body.readableBytes();
        if (copyEveryBody && box == null && length > BATCH_CAPACITY && envelope.sealsInParts()) {
            appendInParts(ctx, body, flags, length);
            if (promise != null) {
                track(promise);
            }
        } else if (length <= COPY_THRESHOLD || box != null || outside != null || copyEveryBody) {
            ByteBuf out = reserve(ctx, maxHeader + wireLength(length));
            int mark = out.writerIndex();
            int start = beginFrame(out, flags, length);
            if (box == null && envelope != null && envelope.copySealed(out, body, length)) {
                // The envelope copied the body and sealed it in one pass (a WebSocket client's mask).
            } else {
                copyBody(out, body, length);
                endFrame(out, mark, start, flags, length);
            }
            if (promise != null) {
                track(promise);
            }
        } else {
            writeHeader(reserve(ctx, maxHeader), flags, length);
            writeBatch(ctx);
            // Writing moves the buffer's reader index. When nobody else holds the message or the
            // body (a PUB's fan-out shares both), the body itself goes; else a view of it, an object
            // per frame.
            ByteBuf out = sole && body.refCnt() == 1 ? body.retain() : body.retainedDuplicate();
            ctx.write(out, promise != null ? promise : ctx.voidPromise());
        }
    }

    /**
     * Refuses a message with a frame that was already released, before any of its bytes reach the
     * batch: a header without its body, or the first frames of a message without the rest, would
     * break the stream for every message behind it. (The raw copy below would also read memory
     * the buffer gave back; {@code writeBytes} used to check this.)
     */
    /** True when this JVM lets Netty copy between raw addresses (see {@link #copyBody}). */
    private static final boolean RAW_COPY = PlatformDependent.hasUnsafe();

    private static void requireLive(ZmtpMessage message) {
        for (int i = 0, n = message.size(); i < n; i++) {
            if (message.frame(i).refCnt() == 0) {
                throw new IllegalReferenceCountException(0);
            }
        }
    }

    /**
     * A body larger than a batch that the envelope rewrites (a WebSocket client's mask): its header,
     * then the body copied and sealed into batch-sized buffers, each written as it fills. The frame
     * is still written whole within this call, so nothing lands between its parts.
     */
    private void appendInParts(ChannelHandlerContext ctx, ByteBuf body, int flags, int length) {
        ByteBuf out = reserve(ctx, maxHeader + 1);
        writeHeader(out, flags, length);
        int offset = 0;
        while (true) {
            int n = Math.min(length - offset, out.writableBytes());
            envelope.copySealedPart(out, body, offset, n);
            offset += n;
            if (offset == length) {
                return;
            }
            out = reserve(ctx, Math.min(length - offset, BATCH_CAPACITY));
        }
    }

    /**
     * Appends {@code length} readable bytes of {@code body} to {@code out}, which has room for them.
     * Netty's {@code writeBytes} into a pooled direct buffer copies through a new NIO view of it,
     * an object per frame; copying between raw addresses (or from the heap array) allocates nothing.
     * The raw copy needs {@code sun.misc.Unsafe}: from Java 24 on Netty may hand out memory
     * addresses without it (so {@code hasMemoryAddress} alone does not say the copy can run), and
     * then the buffer's own copy is used.
     */
    private static void copyBody(ByteBuf out, ByteBuf body, int length) {
        int at = out.writerIndex();
        if (RAW_COPY && out.hasMemoryAddress() && (body.hasMemoryAddress() || body.hasArray())) {
            long to = out.memoryAddress() + at;
            if (body.hasMemoryAddress()) {
                PlatformDependent.copyMemory(body.memoryAddress() + body.readerIndex(), to, length);
            } else {
                PlatformDependent.copyMemory(body.array(), body.arrayOffset() + body.readerIndex(), to, length);
            }
            out.writerIndex(at + length);
        } else if (body.hasArray()) {
            out.writeBytes(body.array(), body.arrayOffset() + body.readerIndex(), length);
        } else {
            out.writeBytes(body, body.readerIndex(), length);
        }
    }

    /** Bytes a body of {@code length} takes on the wire, header aside: more when frames are boxed. */
    private int wireLength(int length) {
        return box == null ? length : box.overhead() + length;
    }

    /**
     * Writes a frame's header and, when frames are boxed, leaves room for the box; returns where
     * the plain body goes. A boxed frame's outer header has no MORE or COMMAND: those travel inside.
     */
    private int beginFrame(ByteBuf out, int flags, int length) {
        if (box == null) {
            writeHeader(out, flags, length);
            return out.writerIndex();
        }
        writeHeader(out, 0, box.overhead() + length);
        int start = out.writerIndex() + box.overhead();
        out.writerIndex(start);
        return start;
    }

    /**
     * Boxes the frame whose body was just written at {@code start} (on failure takes the frame out
     * again), then lets the envelope, if any, seal what goes on the wire.
     */
    private void endFrame(ByteBuf out, int mark, int start, int flags, int length) {
        int wire = start;
        if (box != null) {
            wire = start - box.overhead();
            try {
                box.seal(out, wire, flags, length);
            } catch (RuntimeException e) {
                out.writerIndex(mark);
                throw e;
            }
        }
        if (envelope != null) {
            envelope.seal(out, wire, out.writerIndex() - wire);
        }
    }

    private void writeHeader(ByteBuf out, int flags, int length) {
        if (envelope != null) {
            envelope.writeHeader(out, flags, length);
            return;
        }
        if (zmtp10) {
            // RFC 13: the length counts the flags octet; FF says eight length octets follow.
            long counted = length + 1L;
            if (counted < 255) {
                out.writeByte((int) counted);
            } else {
                out.writeByte(0xFF);
                out.writeLong(counted);
            }
            out.writeByte(flags & ZmtpFrame.FLAG_MORE);
            return;
        }
        if (length > 255) {
            out.writeByte(flags | ZmtpFrame.FLAG_LONG);
            out.writeLong(length);
        } else {
            out.writeByte(flags);
            out.writeByte(length);
        }
    }

    /** The batch buffer with at least {@code bytes} writable, writing out the current one if it is too full. */
    private ByteBuf reserve(ChannelHandlerContext ctx, int bytes) {
        if (batch != null && batch.writableBytes() < bytes) {
            writeBatch(ctx);
        }
        if (batch == null) {
            batch = ctx.alloc().directBuffer(Math.max(BATCH_CAPACITY, bytes));
        }
        return batch;
    }

    private void track(ChannelPromise promise) {
        if (!promise.isVoid()) {
            batchPromises.add(promise);
        }
    }

    /** Passes the batch buffer down the pipeline, completing the promises of the messages it ends. */
    private void writeBatch(ChannelHandlerContext ctx) {
        if (batch == null) {
            return;
        }
        ByteBuf out = batch;
        batch = null;
        int n = batchPromises.size();
        if (outside != null) {
            outside.accept(out);
            for (ChannelPromise p : batchPromises) {
                p.trySuccess();
            }
            batchPromises.clear();
        } else if (n == 0) {
            ctx.write(out, ctx.voidPromise());
        } else if (n == 1) {
            ctx.write(out, batchPromises.remove(0));
        } else {
            ChannelPromise[] promises = batchPromises.toArray(new ChannelPromise[0]);
            batchPromises.clear();
            ctx.write(out).addListener(new Notifier(promises));
        }
    }

    /** Completes the promises of every message in one batch write. */
    private record Notifier(ChannelPromise[] promises) implements GenericFutureListener<Future<? super Void>> {
        @Override
        public void operationComplete(Future<? super Void> future) {
            Throwable cause = future.cause();
            for (ChannelPromise p : promises) {
                if (cause == null) {
                    p.trySuccess();
                } else {
                    p.tryFailure(cause);
                }
            }
        }
    }
}
