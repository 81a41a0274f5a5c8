package io.zmtp.socket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The hand-off of received messages from a socket's event loop to the application: a fixed ring
 * with one producer (the loop) and any number of consumers (a socket may be read from more than
 * one thread; each take is one compare-and-set).
 *
 * <p>It publishes in batches, the way libzmq's ypipe flushes: {@link #offer} fills slots the
 * consumer cannot see yet, and {@link #publish} makes them visible with one store (the loop calls it
 * at the end of each read, and {@code offer} every {@link #PUBLISH_EVERY} messages so a long read
 * does not hold them back). The producer keeps a private copy of the consumers' position and reads
 * the shared one only when its copy says the ring is full, and the published position changes once
 * per batch: the lines each side writes move to the other core about once per batch, not once per
 * message (and no node is allocated per message) as in a linked queue. A taken slot keeps its
 * reference until the producer reuses it: at most {@code capacity} closed messages stay reachable.
 */
final class InboundRing extends InboundRingFields {
    /** A long read still hands its messages over at least this often. */
    static final int PUBLISH_EVERY = 32;

    private static final VarHandle PUBLISHED;
    private static final VarHandle HEAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PUBLISHED = lookup.findVarHandle(InboundRingPublished.class, "published", long.class);
            HEAD = lookup.findVarHandle(InboundRingConsumer.class, "head", long.class);
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

    /** Loop: true when no slot is free (published or not). */
    boolean isFull() {
        if (tail - headSeen < slots.length) {
            return false;
        }
        headSeen = (long) HEAD.getVolatile(this);
        return tail - headSeen >= slots.length;
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
     * passed it, and a lost claim is retried) and left for the producer to overwrite.
     */
    Object poll() {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            if (h >= (long) PUBLISHED.getAcquire(this)) {
                return null;
            }
            Object m = slots[(int) h & mask];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return m;
            }
        }
    }

    /** True when a published message is waiting (any thread). */
    boolean hasPublished() {
        return (long) PUBLISHED.getVolatile(this) != (long) HEAD.getVolatile(this);
    }
}

// Padding keeps the producer's fields, the published position and the consumer's fields on
// separate cache lines (superclass fields are laid out first).

abstract class InboundRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class InboundRingProducer extends InboundRingPad0 {
    /** Next slot the producer fills. */
    long tail;
    /** The producer's copy of {@code head}. */
    long headSeen;
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

abstract class InboundRingFields extends InboundRingConsumer {
    long p30, p31, p32, p33, p34, p35, p36, p37;
}
