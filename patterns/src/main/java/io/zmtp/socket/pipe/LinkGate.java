package io.zmtp.socket.pipe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.zmtp.socket.LoopPermit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The first handler of a connection whose loop lends its permit (see {@link LoopPermit}). It keeps
 * the loop's side and a borrowing thread's side of the connection apart:
 * <ul>
 * <li>every event that reaches the connection's handlers, and every write the loop makes, first
 * takes the loop's permit, so socket code on the loop never runs beside a borrowed send;</li>
 * <li>a borrowing thread writes a message's bytes to the socket itself ({@link #accept}) when
 * nothing of the loop's is still unwritten; otherwise, or for what the socket did not take, the
 * bytes are <em>carried</em>: kept here in order, and written by the loop ahead of anything it
 * writes next (a task is put on the loop for them).</li>
 * </ul>
 */
public final class LinkGate extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(LinkGate.class);
    /** Carried bytes beyond which a borrowing thread queues in the pipe instead. */
    static final int CARRY_LIMIT = 256 * 1024;

    private final LoopPermit permit;
    private final Executor tasks;
    private final ArrayDeque<ByteBuf> carried = new ArrayDeque<>();
    private long carriedBytes;
    private boolean taskScheduled;
    private boolean resumeWanted;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private RawWriter raw;
    /** What the pipe does when it may write what it queued (set at admission). */
    private Runnable resume;
    private final Runnable writeCarriedTask = this::writeCarriedOnLoop;

    public LinkGate(LoopPermit permit, Executor tasks) {
        this.permit = permit;
        this.tasks = tasks;
    }

    /** The gate of {@code channel}, or null when its loop lends no permit. */
    static LinkGate of(Channel channel) {
        return channel.pipeline().get(LinkGate.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.raw = RawWriter.of(channel);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseCarried();
    }

    // ------------------------------------------------------------------ borrowing thread (permit held)

    /** True when a borrowing thread may write here now (else its message waits in the pipe). */
    boolean takesBorrowedWrites() {
        return raw != null && carriedBytes < CARRY_LIMIT && channel.isActive();
    }

    /** A message's bytes from a borrowing thread: written to the socket, or carried for the loop. */
    void accept(ByteBuf bytes) {
        if (!channel.isActive()) {
            bytes.release();
            return;
        }
        if (carried.isEmpty() && nothingPending()) {
            try {
                raw.write(bytes);
            } catch (IOException e) {
                // The loop sees the same error on its next read or write and closes the connection.
                log.debug("{}: write failed: {}", channel, e.toString());
                bytes.release();
                channel.close();
                return;
            }
            if (!bytes.isReadable()) {
                bytes.release();
                return;
            }
        }
        carried.add(bytes);
        carriedBytes += bytes.readableBytes();
        scheduleTask();
    }

    /** A borrowing thread queued a message in the pipe: the loop is to write it. */
    void heldBack() {
        resumeWanted = true;
        scheduleTask();
    }

    /** Carried bytes not yet handed to the connection (LINGER waits for them). */
    boolean hasCarried() {
        return !carried.isEmpty();
    }

    private boolean nothingPending() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out != null && out.totalPendingWriteBytes() == 0;
    }

    private void scheduleTask() {
        if (!taskScheduled) {
            taskScheduled = true;
            tasks.execute(writeCarriedTask);
        }
    }

    // ------------------------------------------------------------------ loop

    /** Made by the admission: runs when a borrowing thread left messages in the pipe. */
    void onResume(Runnable resume) {
        this.resume = resume;
    }

    private void writeCarriedOnLoop() {
        permit.hold();
        taskScheduled = false;
        if (!carried.isEmpty()) {
            writeCarried(ctx);
            ctx.flush();
        }
        if (resumeWanted) {
            resumeWanted = false;
            if (resume != null) {
                resume.run();
            }
        }
    }

    private void writeCarried(ChannelHandlerContext ctx) {
        ByteBuf b;
        while ((b = carried.poll()) != null) {
            ctx.write(b, ctx.voidPromise());
        }
        carriedBytes = 0;
    }

    private void releaseCarried() {
        ByteBuf b;
        while ((b = carried.poll()) != null) {
            b.release();
        }
        carriedBytes = 0;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        permit.hold();
        if (!carried.isEmpty()) {
            writeCarried(ctx);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        permit.hold();
        if (!carried.isEmpty()) {
            writeCarried(ctx);
        }
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        permit.hold();
        if (!carried.isEmpty()) {
            writeCarried(ctx);
            ctx.flush();
        }
        ctx.close(promise);
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        permit.hold();
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
        permit.hold();
        ctx.fireChannelUnregistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        permit.hold();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        permit.hold();
        releaseCarried();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        permit.hold();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        permit.hold();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        permit.hold();
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        permit.hold();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        permit.hold();
        ctx.fireExceptionCaught(cause);
    }
}
