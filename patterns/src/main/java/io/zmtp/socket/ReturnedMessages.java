package io.zmtp.socket;

import io.netty.buffer.ByteBuf;

/**
 * The message objects a socket's loop fills again with what it receives: those that a receive into
 * the application's own message gave back ({@link Message#receiveFrom}), each with the small body
 * buffer it may carry. The loop finds them in its {@link InboundRing}'s slots as it fills each slot
 * again (the receiver marked the object given back as the last thing it did), so giving one back
 * costs the receiver one ordered store and no queue, and the loop no atomic operation. Loop only: a
 * fixed stack; what does not fit is left to the garbage collector.
 */
final class ReturnedMessages {
    /**
     * At most this many objects wait. The loop takes one for each message it reads and finds them
     * as it fills the ring again; while the ring is full it reads on into the peers' queues, and a
     * single 64 KiB read holds about 3,600 messages of 16 B, so 2,048 left the loop making new
     * objects for 2.5 % of the messages at 16 B (and dropping as many later). What waits here was
     * in flight at once just before, so the bound holds no more memory than that peak did.
     */
    static final int CAPACITY = 8192;

    /**
     * Objects found in a slot before their receiver had given them back (it takes a message, then
     * moves its frames, then gives it back; the loop may fill the slot in between), looked at again
     * later, oldest first. A power of two. Without them a few percent of messages at 16 B made a new
     * object and buffer. Messages the application took with {@code receive()} are never given back:
     * they pass through here and are dropped as newer ones come.
     */
    private static final int LATE = 64;

    /** Grows by doubling, from nothing (a socket that never receives into a message has none). */
    private Message[] stack = new Message[0];
    private int count;
    private final Message[] late = new Message[LATE];
    private int lateHead;
    private int lateCount;

    /** Keeps {@code previous}, the object a ring slot held before the loop fills it again, if it was given back. */
    void harvest(Object previous) {
        while (lateCount > 0 && count < CAPACITY) {
            Message oldest = late[lateHead];
            if (!oldest.isReturned()) {
                break;
            }
            late[lateHead] = null;
            lateHead = (lateHead + 1) & (LATE - 1);
            lateCount--;
            push(oldest);
        }
        if (previous instanceof Message m) {
            if (m.isReturned()) {
                push(m);
            } else if (lateCount < LATE) {
                late[(lateHead + lateCount++) & (LATE - 1)] = m;
            } else {
                // The oldest has waited for LATE slots: most likely the application's for good.
                late[lateHead] = m;
                lateHead = (lateHead + 1) & (LATE - 1);
            }
        }
    }

    private void push(Message m) {
        if (count == stack.length) {
            if (count == CAPACITY) {
                return;
            }
            stack = java.util.Arrays.copyOf(stack, Math.max(64, count * 2));
        }
        stack[count++] = m;
    }

    /**
     * A buffer to copy a received body of {@code size} bytes into: the one the next object to be
     * reused brought back, when it is large enough; null otherwise (the decoder makes its own).
     */
    ByteBuf bodyBuffer(int size) {
        if (count == 0) {
            return null;
        }
        Message m = stack[count - 1];
        ByteBuf b = m.spare;
        if (b == null || b.capacity() < size) {
            return null;
        }
        m.spare = null;
        return b.clear();
    }

    /** An empty message to fill: one given back, or a new one. */
    Message take() {
        if (count == 0) {
            return new Message();
        }
        Message m = stack[--count];
        stack[count] = null;
        m.reuse();
        return m;
    }

    /** How many wait (for tests). */
    int size() {
        return count;
    }
}
