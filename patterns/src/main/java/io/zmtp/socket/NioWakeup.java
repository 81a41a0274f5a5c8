package io.zmtp.socket;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.SelectStrategy;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.nio.NioIoOps;
import io.netty.channel.nio.NioSelectableChannelIoHandle;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Wakes one NIO event loop for tasks from other threads through a pipe of its own, instead of
 * {@code Selector.wakeup()}.
 *
 * <p>Why: the JDK's selector wakes under a monitor that the woken loop takes again right away to
 * clear the wake-up; on few cores the loop often runs before the waking thread has left that
 * monitor, and both go through a futex. Netty's NIO handler then wakes its own selector once more
 * after every wake-up it was given, which costs the next select a pipe write, a read and an
 * {@code epoll_wait}. A REQ/REP round trip wakes a loop on each side: measured with async-profiler's
 * lock profile, 7,066 contended entries of that monitor in 30,000 round trips. Here a task goes into
 * the loop's own queue without Netty's wake-up ({@code lazyExecute}, so it keeps its place among the
 * loop's other tasks), and the sender writes one byte to a pipe that the loop's selector watches,
 * only when the loop may be asleep and no byte is already on its way.
 *
 * <p>"May be asleep" is decided by the loop's {@link SelectStrategy}: before it lets the loop block
 * it says so ({@code sleeping}) and then looks at the task queue once more; a sender queues first and
 * reads {@code sleeping} after. Both are volatile, so one of them sees the other: either the loop
 * finds the task and does not block, or the sender sees the flag and writes the byte. Which sender
 * writes, and when the loop has taken the byte, is {@link WakeSignal}'s job.
 */
final class NioWakeup implements SelectStrategy, Executor {
    private static final Logger log = LoggerFactory.getLogger(NioWakeup.class);

    private final SingleThreadEventExecutor loop;
    private final Pipe pipe;
    /** The one byte senders write; at most one sender writes at a time (the one whose claim won). */
    private final ByteBuffer wakeByte = ByteBuffer.allocateDirect(1);
    /** Loop only: where the bytes are read into. */
    private final ByteBuffer drainBuffer = ByteBuffer.allocateDirect(64);
    /** Whether the loop may be asleep and whether a byte is on its way (see {@link WakeSignal}). */
    private final WakeSignal signal = new WakeSignal();
    private final Runnable readBytes = this::readBytes;
    /** The pipe is registered with the loop's selector: until then tasks go through {@code execute}. */
    private volatile boolean ready;

    private NioWakeup(SingleThreadEventExecutor loop) throws IOException {
        this.loop = loop;
        this.pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    /**
     * Netty's NIO handlers, each with its own wake-up pipe; {@code made} learns each loop's
     * {@link NioWakeup}, which {@link #start} then registers once the loop exists.
     */
    static IoHandlerFactory handlerFactory(Map<Executor, NioWakeup> made) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                if (!(executor instanceof SingleThreadEventExecutor loop)) {
                    return NioIoHandler.newFactory().newHandler(executor);
                }
                NioWakeup wakeup;
                try {
                    wakeup = new NioWakeup(loop);
                } catch (IOException e) {
                    log.warn("no wake-up pipe for a NIO loop ({}); it is woken by its selector", e.toString());
                    return NioIoHandler.newFactory().newHandler(executor);
                }
                made.put(loop, wakeup);
                return NioIoHandler.newFactory(SelectorProvider.provider(), () -> wakeup).newHandler(executor);
            }
        };
    }

    /** Registers the pipe with the loop's selector; tasks use the pipe from then on. */
    void start() {
        ((IoEventLoop) loop).register(new Handle(pipe.source())).addListener(f -> {
            if (f.isSuccess()) {
                ((IoRegistration) f.getNow()).submit(NioIoOps.READ);
                ready = true;
            } else {
                log.debug("wake-up pipe not registered ({}); the loop is woken by its selector", String.valueOf(f.cause()));
                closePipe();
            }
        });
    }

    /** Queues {@code task} on the loop, waking it through the pipe if it may be asleep. */
    @Override
    public void execute(Runnable task) {
        if (!ready || loop.inEventLoop()) {
            loop.execute(task);
            return;
        }
        loop.lazyExecute(task);
        if (signal.isSleeping() && signal.claim()) {
            writeByte();
        }
    }

    private void writeByte() {
        try {
            synchronized (wakeByte) {
                // Only between senders (the loop never takes it), and rarely: one byte per sleep.
                wakeByte.clear();
                pipe.sink().write(wakeByte);
            }
        } catch (IOException e) {
            // The pipe closes with the loop; a task for a loop that is gone was refused above.
            signal.unclaim();
            try {
                loop.execute(() -> { });
            } catch (RejectedExecutionException gone) {
                // Shut down: it runs what was queued before it stops.
            }
        }
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            signal.awake();
            return selectNow.get();
        }
        signal.sleep();
        // A task queued lazily after the loop last looked: its sender may have read sleeping
        // before it was set, so it did not write the byte. Do not block then.
        if (loop.pendingTasks() > 0) {
            signal.awake();
            return selectNow.get();
        }
        return SelectStrategy.SELECT;
    }

    /** Loop: the pipe is readable; take its bytes. */
    private void drained() {
        signal.consumed(readBytes);
    }

    /** Loop: takes the bytes in the pipe. */
    private void readBytes() {
        try {
            // One read: rarely is more than one byte there, and what is left keeps the pipe readable.
            drainBuffer.clear();
            pipe.source().read(drainBuffer);
        } catch (IOException e) {
            log.debug("wake-up pipe: {}", e.toString());
        }
    }

    private void closePipe() {
        ready = false;
        try {
            pipe.source().close();
            pipe.sink().close();
        } catch (IOException e) {
            log.debug("wake-up pipe: {}", e.toString());
        }
    }

    /** True while both ends of the pipe are open: for tests that check a closed context leaves none. */
    boolean isOpen() {
        return pipe.source().isOpen() && pipe.sink().isOpen();
    }

    /** True once the pipe is registered and carries the wake-ups. */
    boolean isReady() {
        return ready;
    }

    private final class Handle extends NioSelectableChannelIoHandle<Pipe.SourceChannel> {
        Handle(Pipe.SourceChannel source) {
            super(source);
        }

        @Override
        protected void handle(Pipe.SourceChannel source, SelectionKey key) {
            drained();
        }

        @Override
        public void close() throws Exception {
            closePipe();
        }
    }
}
