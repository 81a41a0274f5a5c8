package io.zmtp.config.console;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Request bytes the console holds at once, over all connections: a request declares its length
 * before its body is read, and is refused when the total would pass the budget, so many large
 * uploads at once cannot exhaust the heap.
 */
final class BodyBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    boolean reserve(long bytes) {
        while (true) {
            long h = held.get();
            if (h + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(h, h + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }
}
