package io.zmtp.socket.transport;

import io.netty.channel.local.LocalAddress;
import io.netty.util.internal.PlatformDependent;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.codec.command.Command;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.pipe.Link;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An inproc connection: two ends, one per socket, each the {@link Link} of its socket's pipe.
 * Messages cross as objects (the sender's buffers become the receiver's, no encoding, no copy):
 * a write puts them in the other end's inbox, a flush schedules one drain task on the receiving
 * socket's loop, which hands the whole batch to that socket. When both sockets run on one loop (a
 * context's single I/O thread, the default) and nothing waits in the inbox, a write hands the
 * message to the receiving socket at once and the flush announces the batch: no queue, no counter
 * and no task per message.
 *
 * <p>High-water marks hold as in libzmq, where an inproc pipe holds SNDHWM + RCVHWM: the sender's
 * pipe keeps up to SNDHWM, and the link is writable only while the receiver's inbox plus its
 * pipe's inbound queue hold fewer than the receiver's RCVHWM. The receiver returns that credit
 * as the application takes messages, waking a sender that found no room.
 *
 * <p>Closing: an end is closed only on its own loop. A closing end stops draining its inbox; the
 * other loop, the only writer into that inbox, releases what is left. A closed end tells the other
 * end with a marker queued behind its last messages, so those are still delivered (as libzmq does).
 */
final class InprocLink {
    private static final Logger log = LoggerFactory.getLogger(InprocLink.class);
    /** Queued behind an end's last message: the writer is gone. */
    private static final Object CLOSE = new Object() {
        @Override
        public String toString() {
            return "CLOSE";
        }
    };

    final End connectEnd;
    final End bindEnd;

    final InprocRegistry registry;

    InprocLink(InprocRegistry registry, String name, TransportHost connecter, Pipe connectPipe, TransportHost binder) {
        this.registry = registry;
        this.connectEnd = new End(this, name, connecter, connectPipe);
        this.bindEnd = new End(this, name, binder, null);
        connectEnd.peer = bindEnd;
        bindEnd.peer = connectEnd;
        boolean oneLoop = connecter.loop() == binder.loop();
        connectEnd.oneLoop = oneLoop;
        bindEnd.oneLoop = oneLoop;
    }

    static final class End implements Link {
        private final InprocLink link;
        private final String name;
        private final TransportHost socket;
        private volatile Pipe pipe;
        private End peer;
        /** Messages, commands and the CLOSE marker from the peer; only the peer's loop offers. */
        private final Queue<Object> inbox = PlatformDependent.newMpscQueue();
        /** Messages (not commands) in {@link #inbox}: part of this end's receive credit. */
        private final AtomicInteger inboxMessages = new AtomicInteger();
        private final AtomicBoolean drainScheduled = new AtomicBoolean();
        /** Set by the peer when it found this end full; cleared when room is handed back. */
        private final AtomicBoolean peerWaiting = new AtomicBoolean();
        /** Own loop only sets it; the peer reads it before writing. */
        private volatile boolean closed;
        /** Set on the own loop once the pipe is connected; draining waits for it. */
        private boolean live;
        private boolean written;
        /** Both sockets run on the same loop: a write may hand a message straight to the peer. */
        private boolean oneLoop;
        /** Messages handed straight to the peer since the last flush. */
        private boolean handedOver;
        /** Set while a message is being handed straight to the peer (its handler may write back). */
        private boolean handing;

        private End(InprocLink link, String name, TransportHost socket, Pipe pipe) {
            this.link = link;
            this.name = name;
            this.socket = socket;
            this.pipe = pipe;
        }

        TransportHost socket() {
            return socket;
        }

        Pipe pipe() {
            return pipe;
        }

        String name() {
            return name;
        }

        /** Own loop: the pipe is connected; deliver what the peer sent meanwhile. */
        void live(Pipe connectedPipe) {
            this.pipe = connectedPipe;
            this.live = true;
            drain();
        }

        // --------------------------------------------------------------- writing (own loop)

        @Override
        public boolean isWritable() {
            End p = peer;
            if (closed || p.closed) {
                return false;
            }
            int limit = p.pipe == null ? p.socket.options().receiveHwm() : p.pipe.receiveHwm();
            if (limit == 0 || p.occupied() < limit) {
                return true;
            }
            p.peerWaiting.set(true);
            // Re-check: the receiver may have taken everything between the test and the flag.
            return p.occupied() < limit;
        }

        private int occupied() {
            Pipe p = pipe;
            return inboxMessages.get() + (p == null ? 0 : p.inboundDepth());
        }

        @Override
        public void write(ZmtpMessage message) {
            if (closed || peer.closed) {
                message.release();
                return;
            }
            End p = peer;
            if (oneLoop && p.live && !handing && p.inbox.isEmpty() && socket.loop().inEventLoop()) {
                // On the peer's own loop, with nothing of ours still queued ahead of this message
                // (commands included): deliver it as the drain would, announced at the flush. Not
                // from a send routed on its own thread: the peer's handler (onMessage) runs on the loop.
                handing = true;
                try {
                    p.socket.received(p.pipe, message);
                } finally {
                    handing = false;
                }
                handedOver = true;
                return;
            }
            p.inboxMessages.incrementAndGet();
            p.inbox.offer(message);
            written = true;
        }

        @Override
        public void write(Command command) {
            if (closed || peer.closed) {
                return;
            }
            peer.inbox.offer(command);
            written = true;
        }

        @Override
        public void flush() {
            if (handedOver) {
                handedOver = false;
                peer.socket.announceInbound();
            }
            if (written) {
                written = false;
                peer.scheduleDrain();
            }
        }

        @Override
        public void setReading(boolean reading) {
            // Credit, not reading, holds the peer back: see taken().
        }

        @Override
        public void taken() {
            if (peerWaiting.get()) {
                int limit = pipe.receiveHwm();
                if (occupied() <= limit / 2 && peerWaiting.compareAndSet(true, false)) {
                    End p = peer;
                    p.execute(p::roomAtPeer);
                }
            }
        }

        @Override
        public boolean hasUnsentData() {
            return false;
        }

        @Override
        public SocketAddress remoteAddress() {
            return new LocalAddress(name);
        }

        // --------------------------------------------------------------- receiving (own loop)

        private void scheduleDrain() {
            if (drainScheduled.compareAndSet(false, true)) {
                execute(this::drain);
            }
        }

        private void drain() {
            drainScheduled.set(false);
            if (!live || closed) {
                return;
            }
            boolean commands = false;
            Object o;
            while ((o = inbox.poll()) != null) {
                if (o instanceof ZmtpMessage m) {
                    // Counted until it is in the pipe or the ring: the credit the sender reads never
                    // dips while the message is between the two (it would let one more in).
                    socket.received(pipe, m);
                    inboxMessages.decrementAndGet();
                } else if (o instanceof Command c) {
                    socket.command(pipe, c);
                    commands = true;
                } else if (o == CLOSE) {
                    socket.announceInbound();
                    peerClosed();
                    return;
                }
            }
            socket.announceInbound();
            if (commands) {
                socket.flushPipes();
            }
        }

        /** Own loop: the peer got room back; write what waited. */
        private void roomAtPeer() {
            if (!closed && pipe != null && pipe.link() == this) {
                pipe.writeQueued();
                pipe.flushIfDirty();
                socket.pipeHasRoom();
            }
        }

        // --------------------------------------------------------------- closing

        /** Own loop: the pipe drops this connection (pipe closed, or a protocol violation). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            shutDown();
            End p = peer;
            if (!p.closed) {
                p.inbox.offer(CLOSE);
                p.scheduleDrain();
            }
            // Tell our own socket as a channel would, unless the pipe itself is going away.
            execute(this::disconnected);
        }

        /** Own loop: the peer is gone; its last messages came before the marker. */
        private void peerClosed() {
            shutDown();
            disconnected();
        }

        private void shutDown() {
            closed = true;
            // The peer's loop is the only writer to our inbox; release what is left there.
            End p = peer;
            p.execute(this::releaseInbox);
        }

        private void releaseInbox() {
            Object o;
            while ((o = inbox.poll()) != null) {
                if (o instanceof ZmtpMessage m) {
                    inboxMessages.decrementAndGet();
                    m.release();
                }
            }
        }

        private void disconnected() {
            Pipe p = pipe;
            if (p == null || p.link() != this || p.isClosed()) {
                return;
            }
            socket.emit(SocketEvent.Type.DISCONNECTED, "inproc://" + name, "");
            socket.pipeDisconnected(p);
            if (p.isConnectSide() && !p.isClosed() && !socket.isClosing()) {
                // Like a tcp connecter: wait for the name to be bound again.
                link.registry.connect(name, socket, p);
            }
        }

        private void execute(Runnable task) {
            try {
                socket.execute(task);
            } catch (RejectedExecutionException e) {
                // The loop is shut down (context closed): nothing runs there any more.
                log.debug("inproc://{}: loop gone, running {} inline", name, task);
                task.run();
            }
        }

        @Override
        public String toString() {
            return "inproc://" + name + "(" + socket.type() + ")";
        }
    }
}
