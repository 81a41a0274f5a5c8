package io.zmtp.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * An allocator of its own whose live memory a test can watch: give {@link #allocator()} to a
 * channel ({@code channel.config().setAllocator(...)}), call {@link #sample()} after each write,
 * and {@link #peak()} is the most the channel's handlers held at once (cumulation buffers
 * included, since they grow through the channel's allocator).
 */
public final class MeteredAllocator {
    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
    private long peak;

    public ByteBufAllocator allocator() {
        return allocator;
    }

    /** Records the bytes held right now; returns them. */
    public long sample() {
        ByteBufAllocatorMetric m = allocator.metric();
        long used = m.usedHeapMemory() + m.usedDirectMemory();
        peak = Math.max(peak, used);
        return used;
    }

    /** The largest {@link #sample()} so far. */
    public long peak() {
        return peak;
    }
}
