package io.zmtp.socket.routing;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The subscriber-side bookkeeping of SUB and XSUB, counted as libzmq counts: each subscribe adds
 * one to its topic and each unsubscribe takes one away, so a topic subscribed twice survives one
 * unsubscribe. The counts let the socket decide when a CANCEL is due (at zero); the topics are
 * what it sends again after a reconnect; {@link #matches} is SUB's local filter, which drops
 * messages still in flight after a CANCEL.
 *
 * <p>Not thread-safe: a socket touches it from its event loop only.
 */
public final class SubscriptionCounter {
    /** Topic bytes (a private copy, wrapped for content equality) to its count; kept in first-subscribe order. */
    private final Map<ByteBuffer, int[]> counts = new LinkedHashMap<>();
    /** The topics with a count above zero, for prefix matching; this counter is their only holder. */
    private final SubscriptionTrie<SubscriptionCounter> filter = new SubscriptionTrie<>();

    /** Counts one more subscription to {@code topic} (copied); returns the topic's new count. */
    public int subscribe(byte[] topic) {
        Objects.requireNonNull(topic, "topic");
        int[] count = counts.get(ByteBuffer.wrap(topic));
        if (count == null) {
            byte[] copy = topic.clone();
            count = new int[1];
            counts.put(ByteBuffer.wrap(copy), count);
            filter.add(copy, this);
        } else if (count[0] == Integer.MAX_VALUE) {
            throw new IllegalStateException("topic subscribed " + Integer.MAX_VALUE + " times");
        }
        return ++count[0];
    }

    /**
     * Withdraws one subscription to {@code topic}; returns the new count (0 when the topic is now
     * gone), or -1 when the topic was not subscribed, in which case nothing changes.
     */
    public int unsubscribe(byte[] topic) {
        Objects.requireNonNull(topic, "topic");
        ByteBuffer key = ByteBuffer.wrap(topic);
        int[] count = counts.get(key);
        if (count == null) {
            return -1;
        }
        if (--count[0] == 0) {
            counts.remove(key);
            filter.remove(topic, this);
        }
        return count[0];
    }

    /** True when a subscribed topic is a prefix of the readable bytes of {@code firstFrame} (not consumed). */
    public boolean matches(ByteBuf firstFrame) {
        return filter.matchesAny(firstFrame);
    }

    /** Each subscribed topic once, as a fresh array, in the order they were first subscribed. */
    public List<byte[]> topics() {
        List<byte[]> topics = new ArrayList<>(counts.size());
        for (ByteBuffer key : counts.keySet()) {
            byte[] topic = new byte[key.remaining()];
            key.duplicate().get(topic);
            topics.add(topic);
        }
        return topics;
    }

    /** True when no topic is subscribed. */
    public boolean isEmpty() {
        return counts.isEmpty();
    }
}
