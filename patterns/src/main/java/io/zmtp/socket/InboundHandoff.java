package io.zmtp.socket;

import io.netty.channel.EventLoop;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Received messages from the socket's loop to the application. The loop puts each peer's messages
 * in that peer's {@link PipeReader} ring (behind what still waits in the peer's pipe, if anything
 * does), and the reader takes them in fair turn across peers ({@link FairQueue}), so fair queuing
 * is decided when the application takes a message, as in libzmq, not when the loop handed it over.
 * Rings publish in batches like libzmq's ypipe: a parked receiver is woken once per read of a
 * connection (or when a ring is full), not per message; the application wakes the loop only when
 * the loop had stopped for lack of room. The alternatives to a blocking receive (async futures, an
 * {@code onMessage} handler) take from the same fair queue, on the loop.
 */
final class InboundHandoff {
    private static final Logger log = LoggerFactory.getLogger(InboundHandoff.class);
    /** The most a peer's ring holds ahead of the reader ({@link PipeReader#MAX_CAPACITY}). */
    static final int CAPACITY = PipeReader.MAX_CAPACITY;
    /**
     * Empty checks a blocking receive makes before it parks: none below four cores. A pair of
     * sockets at full speed keeps four threads busy (each side's caller and event loop), so on
     * fewer cores a spinning receiver holds a core that a loop, its own or its peer's, needs to
     * feed it. On 2 cores (bench/bin/local_lat and remote_lat, 16 B x 50,000 round trips, three
     * runs each, medians): epoll 69.5 us with 256 checks, 61.4 us without; NIO 99.2 and 79.1 us;
     * 16 B throughput was the same within the runs' spread (NIO 3.84-4.73 M msg/s with, 4.15-4.60 M
     * without). Earlier runs here: 4096 checks or more cost a third of the throughput. On four
     * cores or more a receiver keeps the 256 checks it had; not measured here.
     */
    private static final int RECEIVE_SPINS = Runtime.getRuntime().availableProcessors() >= 4 ? 256 : 0;

    private final Socket socket;
    private final SocketOptions options;
    private final EventLoop loop;
    /** The reader's side: taking is under {@link #takeLock} (a socket may be read from more than one thread). */
    private final ReentrantLock takeLock = new ReentrantLock();
    private final FairQueue fairQueue = new FairQueue();
    /** Reader: messages taken for an async receive that had gone meanwhile; they go first. */
    private final ArrayDeque<Message> returned = new ArrayDeque<>();
    /** The socket's own messages (XPUB's notices), beside the peers'. */
    private final PipeReader own;
    /** Loop: readers offered to since the last {@link #announce()}. */
    private final ArrayList<PipeReader> unpublished = new ArrayList<>();
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    /** Some peer's messages wait in its pipe (or the socket's own in overflow) for room in its ring. */
    private volatile boolean pumpStarved;
    /** Messages taken (under the take lock): paces the reader's look at {@link #pumpStarved}. */
    private int taken;
    private final ConcurrentLinkedQueue<CompletableFuture<Message>> asyncReceives = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final AtomicInteger receiversWaiting = new AtomicInteger();
    private volatile Consumer<Message> handler;

    private final Runnable pumpTask = () -> {
        pumpScheduled.set(false);
        pump();
        dispatch();
    };

    InboundHandoff(Socket socket, SocketOptions options, EventLoop loop) {
        this.socket = socket;
        this.options = options;
        this.loop = loop;
        this.own = new PipeReader(null, 0);
    }

    // ------------------------------------------------------------------ application side

    /** Receives, waiting up to {@code timeoutMillis} (-1: for ever, 0: not at all); null on time-out. */
    Message receive(long timeoutMillis) {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Message m = take();
            if (m != null) {
                return m;
            }
            if (timeoutMillis == 0) {
                return null;
            }
            // Under load the next message is usually a few microseconds away, and parking costs a
            // futex wait here plus a wake-up on the loop: look a little longer first.
            for (int i = 0; i < RECEIVE_SPINS; i++) {
                Thread.onSpinWait();
                m = take();
                if (m != null) {
                    return m;
                }
            }
            lock.lock();
            receiversWaiting.incrementAndGet();
            try {
                m = take();
                if (m != null) {
                    return m;
                }
                socket.checkOpen();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                notEmpty.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                receiversWaiting.decrementAndGet();
                lock.unlock();
            }
        }
    }

    /** Completes with the next message; completion may run on the loop. */
    CompletableFuture<Message> receiveAsync() {
        Message m = take();
        if (m != null) {
            return CompletableFuture.completedFuture(m);
        }
        CompletableFuture<Message> f = new CompletableFuture<>();
        asyncReceives.add(f);
        schedulePump();
        return f;
    }

    /** The next message for the application, in fair turn, after the socket type's last word on it. */
    private Message take() {
        takeLock.lock();
        try {
            while (true) {
                Message m = returned.pollFirst();
                if (m == null) {
                    m = fairQueue.next();
                }
                if (m == null) {
                    // Nothing handed over: the loop may have stopped at a full ring, or at the byte
                    // bound. The fence keeps this read behind the ring's last head store.
                    VarHandle.fullFence();
                    if (pumpStarved) {
                        schedulePump();
                    }
                    return null;
                }
                tookFromRing(m);
                if (m.accepted) {
                    m.accepted = false;
                    return m;
                }
                m = socket.acceptReceived(m);
                if (m != null) {
                    return m;
                }
            }
        } finally {
            takeLock.unlock();
        }
    }

    /** Reader: bookkeeping for a message that left a ring (or came back through {@link #returned}). */
    private void tookFromRing(Message m) {
        if (m.reader != null) {
            PipeReader r = m.reader;
            m.reader = null;
            if (options.receiveHwmBytes() > 0) {
                r.bytes.addAndGet(-m.byteSize());
                if (pumpStarved) {
                    schedulePump();
                }
            }
        }
        if ((++taken & (InboundRing.PUBLISH_EVERY - 1)) == 0) {
            // The loop may have stopped at a full ring: after every few messages taken, look
            // (behind a fence, so this read cannot pass the ring's head store) and restart it.
            VarHandle.fullFence();
            if (pumpStarved) {
                schedulePump();
            }
        }
    }

    /** True when a receive would not wait. */
    boolean isReadable() {
        takeLock.lock();
        try {
            return !returned.isEmpty() || fairQueue.anyReady();
        } finally {
            takeLock.unlock();
        }
    }

    /** Wakes blocked receivers (the socket closes). */
    void wakeReceivers() {
        lock.lock();
        try {
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** From now on every message goes to {@code h} on the loop (null: back to receive()). */
    void onMessage(Consumer<Message> h) {
        handler = h;
        if (h != null) {
            socket.runOnLoop(() -> {
                pump();
                dispatch();
            });
        }
    }

    private void schedulePump() {
        if (!pumpScheduled.get() && pumpScheduled.compareAndSet(false, true)) {
            socket.tasks.execute(pumpTask);
        }
    }

    // ------------------------------------------------------------------ loop side

    /**
     * A message arrived on {@code pipe}. It goes into the peer's ring at once unless some of the
     * peer's messages still wait in its pipe or the ring is full; a parked receiver is woken only by
     * {@link #announce()}, which the caller runs at the end of its batch.
     */
    void received(Pipe pipe, ZmtpMessage message) {
        if (socket.isClosing() || pipe.isClosed()) {
            message.release();
            return;
        }
        if (!socket.filterIncoming(pipe, message)) {
            return;
        }
        PipeReader r = readerOf(pipe);
        if (pipe.hasInbound() || full(r)) {
            pipe.received(message, r.ring.backlog());
            pumpStarved = true;
            // The reader may have made room after the look above and before the flag went up:
            // then it will not restart the pump, so look again.
            if (!full(r)) {
                pump();
            }
            return;
        }
        pipe.passedThrough(message);
        hand(r, message);
    }

    /** Loop: the reader of {@code pipe}'s messages, made at its first message. */
    private PipeReader readerOf(Pipe pipe) {
        PipeReader r = (PipeReader) pipe.reader;
        if (r == null) {
            r = new PipeReader(pipe, pipe.receiveHwm());
            pipe.reader = r;
        }
        return r;
    }

    /** Loop: true when {@code r} takes nothing more now (its ring is full, or at the byte bound). */
    private boolean full(PipeReader r) {
        long bound = options.receiveHwmBytes();
        return r.ring.isFull() || bound > 0 && r.bytes.get() >= bound;
    }

    /**
     * Moves messages that waited in the peers' pipes (and the socket's own that found no room) into
     * their rings, as far as there is room; retires pipes of peers that left once they are empty.
     */
    void pump() {
        boolean starved;
        do {
            starved = refill();
            if (starved) {
                // Up before the second look below: a reader that makes room after that look sees
                // it and restarts the pump; one that made room before it is seen by the look.
                pumpStarved = true;
            }
        } while (starved && anyRoom());
        if (!starved) {
            pumpStarved = false;
        }
        announce();
    }

    /** Loop: one pass over everything that waits; true when some of it still does. */
    private boolean refill() {
        while (!own.overflow.isEmpty() && !full(own)) {
            offer(own, own.overflow.poll());
        }
        boolean waiting = !own.overflow.isEmpty();
        waiting |= refill(socket.pipes.all());
        waiting |= refill(socket.pipes.retiring());
        return waiting;
    }

    /** Loop: refills the rings of {@code pipes}; true when some of their messages still wait. */
    private boolean refill(List<Pipe> pipes) {
        boolean waiting = false;
        for (int i = pipes.size() - 1; i >= 0; i--) {
            Pipe p = pipes.get(i);
            if (!p.hasInbound()) {
                continue;
            }
            PipeReader r = readerOf(p);
            while (p.hasInbound() && !full(r)) {
                hand(r, p.poll());
            }
            if (p.hasInbound()) {
                waiting = true;
            } else if (!p.isReady() && !p.isConnectSide()) {
                socket.pipes.retired(p);
            }
        }
        return waiting;
    }

    /** Loop: true when something waits for a ring that has room now. */
    private boolean anyRoom() {
        if (!own.overflow.isEmpty() && !full(own)) {
            return true;
        }
        return anyRoom(socket.pipes.all()) || anyRoom(socket.pipes.retiring());
    }

    private boolean anyRoom(List<Pipe> pipes) {
        for (int i = 0, n = pipes.size(); i < n; i++) {
            Pipe p = pipes.get(i);
            if (p.hasInbound() && !full(readerOf(p))) {
                return true;
            }
        }
        return false;
    }

    /** The socket type's look at a message taken from {@code pipe}, then into its ring. */
    private void hand(PipeReader r, ZmtpMessage zm) {
        Message m = socket.accept(r.pipe, zm);
        if (m != null) {
            m.userId = r.pipe.userId();
            offer(r, m);
        }
    }

    /** Loop: the socket's own message (XPUB's notices) for the application. */
    void deliver(Message m) {
        if (!own.overflow.isEmpty() || full(own)) {
            own.overflow.add(m);
            pumpStarved = true;
            return;
        }
        offer(own, m);
    }

    private void offer(PipeReader r, Message m) {
        if (options.receiveHwmBytes() > 0) {
            r.bytes.addAndGet(m.byteSize());
            m.reader = r;
        }
        r.ring.offer(m);
        if (!r.unpublished) {
            r.unpublished = true;
            unpublished.add(r);
        }
    }

    /**
     * Publishes what reached the rings since the last call, hands parked readers back to the fair
     * queue, and wakes a parked receiver, the pollers, or the handler and async receives.
     */
    void announce() {
        if (unpublished.isEmpty()) {
            return;
        }
        for (int i = 0, n = unpublished.size(); i < n; i++) {
            PipeReader r = unpublished.get(i);
            r.unpublished = false;
            // The publish is a volatile store and the parked flag a volatile load: the reader
            // parks (store) then looks at the ring (load), so one of the two sees the other.
            r.ring.publish();
            if (r.isParked() && r.unpark()) {
                fairQueue.activate(r);
            }
        }
        unpublished.clear();
        if (handler != null || !asyncReceives.isEmpty()) {
            dispatch();
        } else if (receiversWaiting.get() > 0) {
            wakeReceivers();
        }
        socket.notifyWatchers(Socket.READABLE);
    }

    /** Loop: hands messages to the handler, or to waiting async receives, in fair turn. */
    private void dispatch() {
        Consumer<Message> h;
        while ((h = handler) != null || !asyncReceives.isEmpty()) {
            Message m = take();
            if (m == null) {
                return;
            }
            if (h != null) {
                try {
                    h.accept(m);
                } catch (RuntimeException e) {
                    log.warn("{}: message handler failed", socket, e);
                }
                continue;
            }
            CompletableFuture<Message> waiter;
            boolean done = false;
            while (!done && (waiter = asyncReceives.poll()) != null) {
                done = waiter.complete(m);
            }
            if (!done) {
                giveBack(m);
                return;
            }
        }
    }

    /** A message taken for a receiver that went away goes first to the next one. */
    private void giveBack(Message m) {
        takeLock.lock();
        try {
            m.accepted = true;
            returned.addFirst(m);
        } finally {
            takeLock.unlock();
        }
        if (receiversWaiting.get() > 0) {
            wakeReceivers();
        }
        socket.notifyWatchers(Socket.READABLE);
    }

    /** Loop, closing: releases what the application did not take and fails pending futures. */
    void releaseAll() {
        takeLock.lock();
        try {
            Message m;
            while ((m = returned.poll()) != null) {
                m.close();
            }
            for (PipeReader r : unpublished) {
                r.ring.publish();
            }
            own.ring.publish();
            fairQueue.forEach(InboundHandoff::empty);
            unpublished.forEach(InboundHandoff::empty);
            unpublished.clear();
            empty(own);
            while ((m = own.overflow.poll()) != null) {
                m.close();
            }
        } finally {
            takeLock.unlock();
        }
        CompletableFuture<Message> r;
        while ((r = asyncReceives.poll()) != null) {
            r.completeExceptionally(new IllegalStateException("socket closed"));
        }
    }

    private static void empty(PipeReader r) {
        Object o;
        while ((o = r.ring.poll()) != null) {
            ((Message) o).close();
        }
        r.bytes.set(0);
    }
}
