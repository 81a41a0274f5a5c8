package io.zmtp.socket;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Messages from the application threads to the socket's loop, which routes them: a send wakes the
 * loop only when no drain is pending, and a drain routes everything queued, then flushes each
 * connection it wrote to once. At most SNDHWM messages wait here; a sender blocked at that mark is
 * woken when the queue is down to half (a low-water mark, as libzmq's pipes have). A send that
 * answers a receive skips the queue when the loop sleeps: it is routed on the sending thread under
 * the loop's permit ({@link #routeHere}).
 */
final class OutboundHandoff {
    private final Socket socket;
    private final EventLoop loop;
    private final SocketOptions options;

    /**
     * Many producers, one consumer (the loop). Netty's chunked array queue takes one atomic add
     * per offer and no node per message, where a ConcurrentLinkedQueue allocated a node and raced
     * on its tail with a compare-and-set.
     */
    private final Queue<Message> queue = PlatformDependent.newMpscQueue();
    private final AtomicInteger count = new AtomicInteger();
    /** Body bytes waiting here, counted only under a byte bound (SNDHWM bytes). */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ConcurrentLinkedQueue<PendingSend> asyncSends = new ConcurrentLinkedQueue<>();
    /** Loop: a message no pipe could take yet; it goes first when one has room. */
    private Message stalled;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final AtomicInteger sendersWaiting = new AtomicInteger();
    private final Runnable drainTask = this::drain;

    /** A send routed on the caller's thread comes at least this long after the one before it. */
    static final long PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /** Larger messages always go through the loop (a borrowed send copies the whole body). */
    static final int MAX_ROUTED_HERE = 8 * 1024;
    /** When the last send routed on a caller's thread was (written under the loop's permit). */
    private long lastRoutedHere = Long.MIN_VALUE / 2;
    /** A receive on this socket came after its last send (the application's thread: plain). */
    private boolean answering;
    /** Sends routed on a caller's thread (for tests); under the loop's permit. */
    private long routedHere;

    private record PendingSend(Message message, CompletableFuture<Void> future) {
    }

    OutboundHandoff(Socket socket, EventLoop loop, SocketOptions options) {
        this.socket = socket;
        this.loop = loop;
        this.options = options;
    }

    // ------------------------------------------------------------------ application side

    /** Queues {@code message}, waiting up to {@code timeoutMillis} (-1: for ever) for room; false on time-out. */
    boolean send(Message message, long timeoutMillis) {
        if (!reserve(timeoutMillis)) {
            return false;
        }
        if (!routeHere(message)) {
            enqueue(message);
        }
        return true;
    }

    /**
     * Routes and writes {@code message} on this thread, as the loop's drain would, when the loop
     * sleeps and nothing waits for it here: the loop is not woken for it (see {@link LoopPermit}).
     * Only for a send that follows a receive on this socket (a request, a reply: the exchanges whose
     * latency is a chain of wake-ups), and at most once per {@link #PAUSE_NANOS}: a stream of sends
     * is batched by the loop, one write for many messages, where routing each here would cost a
     * system call each on the sending thread (a stream whose loop drained and slept between sends
     * paid one every pause when only the pause was looked at: 10-25 % of PUSH/PULL at 16 B). False when the message is to be queued
     * for the loop instead; true when it was routed (or stalled at a full pipe, as the drain stalls).
     */
    private boolean routeHere(Message message) {
        boolean afterReceive = answering;
        answering = false;
        LoopPermit p = socket.permit;
        if (!afterReceive || p == null || drainScheduled.get() || !socket.routesOnCaller() || options.sendHwmBytes() > 0
                || message.byteSize() > MAX_ROUTED_HERE || loop.inEventLoop()) {
            return false;
        }
        // Looked at before trying the permit: in a stream, trying would only make the loop wait for
        // this thread when it wakes.
        long now = System.nanoTime();
        if (now - lastRoutedHere < PAUSE_NANOS || !p.tryBorrow()) {
            return false;
        }
        try {
            if (stalled != null || !queue.isEmpty() || !asyncSends.isEmpty() || socket.isClosing()) {
                return false;
            }
            lastRoutedHere = now;
            routedHere++;
            socket.prepareSend(message);
            message.handOver();
            boolean routed;
            try {
                routed = socket.route(message);
            } catch (RuntimeException e) {
                count.decrementAndGet();
                throw e;
            }
            if (routed) {
                count.decrementAndGet();
                if (sendersWaiting.get() > 0) {
                    signalNotFull();
                }
                socket.readiness.became(Readiness.WRITABLE);
            } else {
                // No pipe with room: it waits, holding its place, for the loop's next drain.
                stalled = message;
            }
            socket.pipes.flush();
            return true;
        } finally {
            p.giveBack();
        }
    }

    /** Queues when there is room; the future completes once the socket has taken the message. */
    CompletableFuture<Void> sendAsync(Message message) {
        if (reserve(0)) {
            enqueue(message);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        asyncSends.add(new PendingSend(message, f));
        scheduleDrain();
        return f;
    }

    /** True when a send would not wait. */
    boolean hasRoom() {
        int capacity = options.sendHwm();
        return (capacity == 0 || count.get() < capacity) && bytesBelowBound();
    }

    /** The byte bound beside SNDHWM: what waits here counts against it too. */
    private boolean bytesBelowBound() {
        long bound = options.sendHwmBytes();
        return bound == 0 || bytes.get() < bound;
    }

    /** Wakes blocked senders (the socket closes). */
    void wakeSenders() {
        signalNotFull();
    }

    private void enqueue(Message message) {
        socket.prepareSend(message);
        message.handOver();
        if (options.sendHwmBytes() > 0) {
            bytes.addAndGet(message.byteSize());
        }
        queue.add(message);
        scheduleDrain();
    }

    private boolean reserve(long timeoutMillis) {
        int capacity = options.sendHwm();
        if (bytesBelowBound() && tryReserve(capacity)) {
            return true;
        }
        if (timeoutMillis == 0) {
            return false;
        }
        if (loop.inEventLoop()) {
            // Only this loop makes room here: waiting on it would stop the socket (and every other
            // socket on the loop) until the time-out, or for ever.
            throw new IllegalStateException("a send on " + socket + " from its own I/O thread (a message handler"
                    + " or a task on its loop) found no room and cannot wait for it there; use sendAsync or trySend");
        }
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        sendersWaiting.incrementAndGet();
        try {
            while (!(bytesBelowBound() && tryReserve(capacity))) {
                socket.checkOpen();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                notFull.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            sendersWaiting.decrementAndGet();
            lock.unlock();
        }
    }

    private boolean tryReserve(int capacity) {
        while (true) {
            int c = count.get();
            if (capacity > 0 && c >= capacity) {
                return false;
            }
            if (count.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    private void scheduleDrain() {
        // Read first: while a drain is pending, senders only share the line, not fight for it.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            socket.tasks.execute(drainTask);
        }
    }

    private void signalNotFull() {
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ loop side

    /** Routes every queued message that can go now, then flushes once. */
    void drain() {
        drainScheduled.set(false);
        // Asynchronous sends are admitted against the count, which falls only at the end of a
        // drain, where they are looked at again (as is what a byte bound lets in as bytes leave
        // during the drain): a look per message admitted nothing more.
        admitAsyncSends();
        boolean countBytes = options.sendHwmBytes() > 0;
        int consumed = 0;
        Message m = stalled;
        stalled = null;
        while (m != null || (m = queue.poll()) != null) {
            long size = countBytes ? m.byteSize() : 0;
            if (!socket.route(m)) {
                stalled = m;
                break;
            }
            if (size > 0) {
                bytes.addAndGet(-size);
            }
            consumed++;
            m = null;
        }
        if (consumed > 0) {
            int left = count.addAndGet(-consumed);
            // A blocked sender is woken once the queue is down to half, not after every drain: it
            // then sends many before it blocks again, instead of one per wake-up.
            if (sendersWaiting.get() > 0 && left <= options.sendHwm() / 2) {
                signalNotFull();
            }
            socket.readiness.became(Readiness.WRITABLE);
            admitAsyncSends();
            if (stalled == null && !queue.isEmpty()) {
                scheduleDrain();
            }
        }
        socket.pipes.flush();
    }

    private void admitAsyncSends() {
        PendingSend p;
        while ((p = asyncSends.peek()) != null && bytesBelowBound() && tryReserve(options.sendHwm())) {
            asyncSends.poll();
            socket.prepareSend(p.message);
            p.message.handOver();
            if (options.sendHwmBytes() > 0) {
                bytes.addAndGet(p.message.byteSize());
            }
            queue.add(p.message);
            p.future.complete(null);
        }
    }

    /** A pipe got room (connected, or its connection drained): route what was waiting. */
    void pipeHasRoom() {
        if (stalled != null || !queue.isEmpty() || !asyncSends.isEmpty()) {
            drain();
        }
    }

    /** Application thread: a receive returned a message; the next send may be routed here. */
    void answering() {
        answering = true;
    }

    /** How many sends were routed on the sending thread; read on the loop. */
    long routedHere() {
        return routedHere;
    }

    /** Messages waiting here for a pipe, the one that found none with room included. */
    long queued() {
        return count.get() + asyncSends.size();
    }

    /** True while messages wait here for a pipe (LINGER waits for them). */
    boolean hasQueued() {
        return stalled != null || !queue.isEmpty();
    }

    /** Loop, closing: releases what is left and fails the pending asynchronous sends. */
    void releaseAll() {
        if (stalled != null) {
            stalled.discard();
            stalled = null;
        }
        Message m;
        while ((m = queue.poll()) != null) {
            m.discard();
        }
        PendingSend p;
        while ((p = asyncSends.poll()) != null) {
            p.future.completeExceptionally(new IllegalStateException("socket closed"));
        }
        bytes.set(0);
    }
}
