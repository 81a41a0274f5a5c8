package io.zmtp.socket;

import io.netty.channel.EventLoop;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.pipe.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Received messages from the socket's loop to the application: the loop moves whole messages from
 * the peers' queues, in fair turn, into an {@link InboundRing}, which publishes in batches like
 * libzmq's ypipe: a parked receiver is woken once per read of a connection (or when the ring is
 * full), not per message; the application wakes the loop only when the loop had stopped for lack
 * of room. The alternatives to a blocking receive (async futures, an {@code onMessage} handler)
 * are fed from the same place.
 */
final class InboundHandoff {
    private static final Logger log = LoggerFactory.getLogger(InboundHandoff.class);
    /**
     * Messages the loop may hand to the application ahead of it taking them. It bounds how far
     * fair queuing can lag behind arrival order (a busy peer gets at most this many messages ahead
     * of a quiet one); the loop refills when the application has taken some. A power of two.
     * 1024 rather than 256: receiving 16 B messages from libzmq went from 2.8-3.3 to 4.0-4.4
     * million per second, the loop stopping and being restarted four times less often.
     */
    static final int CAPACITY = 1024;
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
    private final InboundRing ring = new InboundRing(CAPACITY);
    /** Loop: message objects receivers gave back, found in the ring's slots as they are filled again. */
    final ReturnedMessages returned = new ReturnedMessages();
    /**
     * Set by the first receive into a message that gave an object back (inproc messages are lent,
     * not given back): only then does the loop look for objects given back.
     * A look reads a line the receiving thread wrote last; with {@code receive()} alone nothing is
     * ever given back, and the looks cost inproc at 16 B about a tenth of its rate.
     */
    private volatile boolean givesBack;
    /**
     * The socket's type takes received messages as they come ({@link ReceiveHooks}): an inproc
     * sender's message then travels to the receiving thread as itself, lent ({@link Message#lent}).
     */
    final boolean lendsInproc;
    /** Loop: messages that found the ring full (XPUB's own notifications); they go first. */
    private final ArrayDeque<Message> overflow = new ArrayDeque<>();
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private volatile boolean pumpStarved;
    /** CONFLATE: the newest message, in place of the ring; the one it replaces is dropped. */
    private final java.util.concurrent.atomic.AtomicReference<Message> latest = new java.util.concurrent.atomic.AtomicReference<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Message>> asyncReceives = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final AtomicInteger receiversWaiting = new AtomicInteger();
    /**
     * Loop: messages reached the ring since the last {@link #announce()}. A parked receiver is
     * woken once per read (or when the ring is full), not as soon as the ring publishes its first
     * few: waking it every 32 messages was measured a third slower (libzmq -> ours, 16 B), each
     * wake-up costing the loop more than the parallelism gained.
     */
    private boolean unannounced;
    private volatile Consumer<Message> handler;
    /** Body bytes in the ring and the overflow, counted only under a byte bound (RCVHWM bytes). */
    private final AtomicLong aheadBytes = new AtomicLong();

    private final Runnable pumpTask = () -> {
        pumpScheduled.set(false);
        pump();
        announce();
    };

    InboundHandoff(Socket socket, SocketOptions options, EventLoop loop) {
        this.socket = socket;
        this.options = options;
        this.loop = loop;
        this.lendsInproc = ReceiveHooks.takesMessagesAsTheyCome(socket.getClass());
    }

    // ------------------------------------------------------------------ application side

    /** Receives, waiting up to {@code timeoutMillis} (-1: for ever, 0: not at all); null on time-out. */
    Message receive(long timeoutMillis) {
        Message m = receive(timeoutMillis, false);
        if (m != null) {
            // The next send answers this one: it may be routed on this thread (see OutboundHandoff).
            socket.outbound.answering();
        }
        return m;
    }

    /** The same; {@code lentOk}: a {@link Message#lent} message may be returned as it is. */
    private Message receive(long timeoutMillis, boolean lentOk) {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Message m = take(lentOk);
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
                m = take(lentOk);
                if (m != null) {
                    return m;
                }
            }
            lock.lock();
            receiversWaiting.incrementAndGet();
            try {
                m = take(lentOk);
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

    /**
     * Receives into {@code into} (see {@link Message#receiveFrom}), waiting as {@link #receive(long)};
     * false on time-out, {@code into} unchanged.
     */
    boolean receive(Message into, long timeoutMillis) {
        Message m = receive(timeoutMillis, true);
        if (m == null) {
            return false;
        }
        socket.outbound.answering();
        if (into.receiveFrom(m) && !givesBack) {
            givesBack = true;
        }
        return true;
    }

    /** Completes with the next message; completion may run on the loop. */
    CompletableFuture<Message> receiveAsync() {
        Message m = take(false);
        if (m != null) {
            return CompletableFuture.completedFuture(m);
        }
        CompletableFuture<Message> f = new CompletableFuture<>();
        asyncReceives.add(f);
        schedulePump();
        return f;
    }

    /**
     * The next message for the application, after the socket type's last word on it. A lent
     * message (see {@link Message#lent}) only reaches a socket whose type has no word on it; it
     * is returned as it is when {@code lentOk} (a receive into a message takes its frames), else
     * as the application's own message.
     */
    private Message take(boolean lentOk) {
        while (true) {
            Message m = options.conflate() ? latest.getAndSet(null) : null;
            boolean fromRing = m == null;
            if (fromRing) {
                m = (Message) ring.poll();
            }
            if (m == null) {
                if (pumpStarved) {
                    schedulePump();
                }
                return null;
            }
            if (fromRing && options.receiveHwmBytes() > 0) {
                aheadBytes.addAndGet(-m.byteSize());
                if (pumpStarved) {
                    schedulePump();
                }
            }
            if ((ring.headPosition() & (InboundRing.PUBLISH_EVERY - 1)) == 0 && pumpStarved) {
                // This take handed a batch of slots back to the loop (behind a fence: this read
                // cannot pass it), which may have stopped at a full ring: restart it.
                schedulePump();
            }
            if (m.lent) {
                return lentOk ? m : Message.adopted(m);
            }
            if (m.accepted) {
                m.accepted = false;
                return m;
            }
            m = socket.acceptReceived(m);
            if (m != null) {
                return m;
            }
        }
    }

    /** True when a receive would not wait. */
    boolean isReadable() {
        return latest.get() != null || ring.hasPublished();
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
                Message m;
                while (handler == h && (m = take(false)) != null) {
                    handOver(h, m);
                }
                pump();
                announce();
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
     * A message arrived on {@code pipe}. It may reach the ring at once, but a parked receiver is
     * woken only by {@link #announce()}, which the caller runs at the end of its batch.
     */
    void received(Pipe pipe, ZmtpMessage message) {
        if (socket.isClosing() || pipe.isClosed()) {
            message.release();
            return;
        }
        if (!socket.filterIncoming(pipe, message)) {
            return;
        }
        if (!pumpStarved && !full()) {
            // Every pipe's queue is empty (the pump runs until they are, or until the ring is
            // full, and then it is starved): fair queuing has nothing to choose from, so the
            // message goes straight on, without a turn through the pipe's queue.
            pipe.passedThrough(message);
            hand(pipe, message);
            return;
        }
        pipe.received(message);
        pump();
    }

    /** Moves messages from the peers' queues, in fair turn, to the application. */
    void pump() {
        while (true) {
            if (full() && asyncReceives.isEmpty()) {
                pumpStarved = true;
                if (full()) {
                    announce();
                    return;
                }
            }
            pumpStarved = false;
            Pipe p = socket.pipes.fairQueue().next();
            if (p == null) {
                return;
            }
            ZmtpMessage zm = p.poll();
            if (!p.hasInbound() && !p.isReady() && !p.isConnectSide()) {
                socket.pipes.retired(p);
            }
            hand(p, zm);
        }
    }

    /** The socket type's look at a message taken from {@code pipe}, then on to the application. */
    private void hand(Pipe pipe, ZmtpMessage zm) {
        Message m = socket.accept(pipe, zm);
        if (m != null) {
            m.userId = pipe.userId();
            deliver(m);
        }
    }

    /** Hands {@code m} to a handler, a waiting future or the ring. */
    void deliver(Message m) {
        Consumer<Message> h = handler;
        boolean futures = !asyncReceives.isEmpty();
        if (m.lent && (h != null || futures)) {
            m = Message.adopted(m);
        }
        if (h != null) {
            handOver(h, m);
            return;
        }
        if (futures) {
            Message ready = socket.acceptReceived(m);
            if (ready == null) {
                return;
            }
            CompletableFuture<Message> waiter;
            while ((waiter = asyncReceives.poll()) != null) {
                if (waiter.complete(ready)) {
                    return;
                }
            }
            ready.accepted = true;
            m = ready;
        }
        if (options.conflate()) {
            Message older = latest.getAndSet(m);
            if (older != null) {
                drop(older);
            }
            unannounced = true;
            return;
        }
        if (options.receiveHwmBytes() > 0) {
            aheadBytes.addAndGet(m.byteSize());
        }
        if (!overflow.isEmpty() || !offer(m)) {
            overflow.add(m);
            pumpStarved = true;
        }
        unannounced = true;
    }

    /**
     * True when the ring has no room, after moving overflow into any it has, or when what it holds
     * reached the byte bound (the peers' pipes then fill and stop reading their connections).
     */
    private boolean full() {
        Message m;
        while ((m = overflow.peek()) != null && offer(m)) {
            overflow.poll();
        }
        long bound = options.receiveHwmBytes();
        return !overflow.isEmpty() || ring.isFull() || bound > 0 && aheadBytes.get() >= bound;
    }

    /** Puts {@code m} in the ring, keeping the object the slot held if its receiver gave it back. */
    private boolean offer(Message m) {
        if (ring.isFull()) {
            return false;
        }
        if (givesBack) {
            returned.harvest(ring.nextSlot());
        }
        ring.add(m);
        return true;
    }

    /** Wakes a parked receiver and the pollers if messages reached the ring since the last call. */
    void announce() {
        if (unannounced) {
            unannounced = false;
            ring.publish();
            if (receiversWaiting.get() > 0) {
                wakeReceivers();
            }
            socket.readiness.became(Readiness.READABLE);
        }
    }

    private void handOver(Consumer<Message> h, Message m) {
        Message ready = m.accepted ? m : socket.acceptReceived(m);
        if (ready == null) {
            return;
        }
        ready.accepted = false;
        try {
            h.accept(ready);
        } catch (RuntimeException e) {
            log.warn("{}: message handler failed", socket, e);
        }
    }

    /** A message nobody will take: a lent one is its sender's object, whose close does nothing. */
    private static void drop(Message m) {
        if (m.lent) {
            m.release();
        } else {
            m.close();
        }
    }

    /** Loop, closing: releases what the application did not take and fails pending futures. */
    void releaseAll() {
        ring.publish();
        Object o;
        while ((o = ring.poll()) != null) {
            drop((Message) o);
        }
        Message m;
        while ((m = overflow.poll()) != null) {
            drop(m);
        }
        Message last = latest.getAndSet(null);
        if (last != null) {
            drop(last);
        }
        CompletableFuture<Message> r;
        while ((r = asyncReceives.poll()) != null) {
            r.completeExceptionally(new IllegalStateException("socket closed"));
        }
        aheadBytes.set(0);
    }
}
