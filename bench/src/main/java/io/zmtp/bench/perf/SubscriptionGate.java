package io.zmtp.bench.perf;

import io.netty.buffer.ByteBuf;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;

/**
 * pub_thr's start signal. A publisher that sends before a subscription has reached it drops
 * those messages for that subscriber, which then waits for ever for its count. So pub_thr binds
 * an XPUB with XPUB_VERBOSE, which hands every subscription to the application as a message
 * {@code 0x01 topic}, and starts once it has seen one per expected subscriber: by then each
 * subscriber's filter is in place at the publisher. Every implementation of sub_thr gives each
 * SUB socket exactly one matching subscription (all zero bytes, or empty; see
 * {@link SubscriptionFilters}), so counting those is enough; anything else that arrives (a
 * non-matching subscription, an unsubscription, stray data) is ignored.
 *
 * <p>A subscriber that lost its connection and came back before the start would be counted
 * twice; on a loopback run that does not happen, and if it did the run would stall until its
 * timeout rather than report a wrong figure.
 */
final class SubscriptionGate {
    private static final int SUBSCRIBE = 1;

    private SubscriptionGate() {
    }

    /** Receives on {@code xpub} until {@code subscribers} subscriptions came, within RCVTIMEO each. */
    static void await(Socket xpub, int subscribers) {
        int seen = 0;
        while (seen < subscribers) {
            Message m;
            try {
                m = xpub.receive();
            } catch (RuntimeException e) {
                throw new PerfException("error in receive: " + e.getMessage(), e);
            }
            if (m == null) {
                throw new PerfException("error in receive: " + seen + " of " + subscribers
                        + " subscribers subscribed, then nothing for " + xpub.options().receiveTimeout() + " ms");
            }
            try (m) {
                if (isSubscription(m)) {
                    seen++;
                }
            }
        }
    }

    private static boolean isSubscription(Message m) {
        if (m.size() != 1) {
            return false;
        }
        ByteBuf f = m.frame(0);
        if (!f.isReadable() || f.getUnsignedByte(f.readerIndex()) != SUBSCRIBE) {
            return false;
        }
        byte[] topic = io.netty.buffer.ByteBufUtil.getBytes(f, f.readerIndex() + 1, f.readableBytes() - 1);
        return SubscriptionFilters.isMatching(topic, 0, topic.length);
    }
}
