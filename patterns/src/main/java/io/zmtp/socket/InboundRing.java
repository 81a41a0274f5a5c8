package io.zmtp.socket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The hand-off of received messages from a socket's event loop to the application: a fixed ring
 * with one producer (the loop) and any number of consumers (a socket may be read from more than
 * one thread; each take is one compare-and-set, and a batch's last one more).
 *
 * <p>It publishes in batches, the way libzmq's ypipe flushes: {@link #offer} fills slots the
 * consumer cannot see yet, and {@link #publish} makes them visible with one store (the loop calls it
 * at the end of each read, and {@code offer} every {@link #PUBLISH_EVERY} messages so a long read
 * does not hold them back). Room goes back the same way: consumers claim slots on a position the
 * producer never reads ({@code head}) and hand the slots back on another ({@code freed}) every
 * {@link #PUBLISH_EVERY} takes and whenever they find the ring empty. The producer keeps a private
 * copy of {@code freed} and reads the shared one only when its copy says the ring is full. So the
 * lines each side writes move to the other core about once per batch, not once per message: a
 * claim on a line the producer read a moment before waited for that line on every message, which
 * was half of a 16 B inproc receiver's time. A taken slot keeps its reference until the producer
 * reuses it: at most {@code capacity} closed messages stay reachable.
 */
final class InboundRing extends InboundRingFields {
    /** A long read still hands its messages over at least this often. */
    static final int PUBLISH_EVERY = 32;

    private static final VarHandle PUBLISHED;
    private static final VarHandle HEAD;
    private static final VarHandle FREED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PUBLISHED = lookup.findVarHandle(InboundRingPublished.class, "published", long.class);
            HEAD = lookup.findVarHandle(InboundRingConsumer.class, "head", long.class);
            FREED = lookup.findVarHandle(InboundRingFreed.class, "freed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;

    /** @param capacity a power of two */
    InboundRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        slots = new Object[capacity];
        mask = capacity - 1;
    }

    int capacity() {
        return slots.length;
    }

    // ------------------------------------------------------------------ producer (the loop)

    /** Loop: true when no slot is free (published or not) as far as the consumers have handed slots back. */
    boolean isFull() {
        if (tail - freedSeen < slots.length) {
            return false;
        }
        freedSeen = (long) FREED.getVolatile(this);
        return tail - freedSeen >= slots.length;
    }

    /**
     * Loop: what the slot the next {@link #offer} fills holds now: a message taken long ago (or
     * null). Only while the ring is not full: then its consumer has passed that slot.
     */
    Object nextSlot() {
        return slots[(int) tail & mask];
    }

    /** Loop: adds {@code m} behind the others, visible at the next {@link #publish()}; false when full. */
    boolean offer(Object m) {
        if (isFull()) {
            return false;
        }
        add(m);
        return true;
    }

    /** Loop: {@link #offer} when {@link #isFull()} just said there is room. */
    void add(Object m) {
        slots[(int) tail & mask] = m;
        tail++;
        if (tail - publishedByProducer >= PUBLISH_EVERY) {
            publish();
        }
    }

    /**
     * Loop: makes every offered message visible. A full (volatile) store: the caller reads the
     * receivers' waiting flag next, and that read must not pass this store.
     */
    void publish() {
        if (publishedByProducer != tail) {
            publishedByProducer = tail;
            PUBLISHED.setVolatile(this, tail);
        }
    }

    // ------------------------------------------------------------------ consumers (any thread)

    /**
     * The next published message, or null. Consumers claim a slot with one compare-and-set of the
     * head; the slot is read before the claim (the producer cannot reuse it until the head has
     * passed it, and a lost claim is retried) and left for the producer to overwrite. The claim that
     * ends a batch of {@link #PUBLISH_EVERY}, and a look that finds the ring empty, hand the taken
     * slots back to the producer ({@link #headPosition()} tells a caller which claim that was).
     */
    Object poll() {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            if (h >= (long) PUBLISHED.getAcquire(this)) {
                free(h);
                return null;
            }
            Object m = slots[(int) h & mask];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                if (((h + 1) & (PUBLISH_EVERY - 1)) == 0) {
                    free(h + 1);
                }
                return m;
            }
        }
    }

    /**
     * Hands every slot below {@code position} back to the producer. Never backwards: a consumer
     * that was overtaken by another must not take room away again (the producer could then wait
     * for slots nobody will free). A full fence: a caller that reads the producer's state next
     * (whether it stopped at a full ring) reads it after this store.
     */
    private void free(long position) {
        long f = (long) FREED.getVolatile(this);
        while (f < position) {
            if (FREED.compareAndSet(this, f, position)) {
                return;
            }
            f = (long) FREED.getVolatile(this);
        }
    }

    /** The next slot to be claimed (any thread): a multiple of {@link #PUBLISH_EVERY} after the claim that freed a batch. */
    long headPosition() {
        return (long) HEAD.getVolatile(this);
    }

    /** True when a published message is waiting (any thread). */
    boolean hasPublished() {
        return (long) PUBLISHED.getVolatile(this) != (long) HEAD.getVolatile(this);
    }
}

// Padding keeps the producer's fields, the published position, the consumers' claim position and
// the freed position on separate cache lines (superclass fields are laid out first).

abstract class InboundRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class InboundRingProducer extends InboundRingPad0 {
    /** Next slot the producer fills. */
    long tail;
    /** The producer's copy of {@code freed}. */
    long freedSeen;
    /** The last position the producer published. */
    long publishedByProducer;
}

abstract class InboundRingPad1 extends InboundRingProducer {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class InboundRingPublished extends InboundRingPad1 {
    /** Slots below this are visible to consumers. */
    volatile long published;
}

abstract class InboundRingPad2 extends InboundRingPublished {
    long p20, p21, p22, p23, p24, p25, p26, p27;
}

abstract class InboundRingConsumer extends InboundRingPad2 {
    /** Next slot a consumer takes; consumers advance it by compare-and-set. */
    volatile long head;
}

abstract class InboundRingPad3 extends InboundRingConsumer {
    long p30, p31, p32, p33, p34, p35, p36, p37;
}

abstract class InboundRingFreed extends InboundRingPad3 {
    /** Slots below this were taken and may be filled again; consumers raise it once per batch. */
    volatile long freed;
}

abstract class InboundRingFields extends InboundRingFreed {
    long p40, p41, p42, p43, p44, p45, p46, p47;
}
