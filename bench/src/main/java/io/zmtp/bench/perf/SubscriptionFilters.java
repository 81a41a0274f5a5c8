package io.zmtp.bench.perf;

import java.util.ArrayList;
import java.util.List;

/**
 * The subscriptions each SUB of sub_thr makes. One filter (the default): the empty topic, which
 * matches everything. F filters: F - 1 topics that share the messages' first two bytes and never
 * match (00 00 hi lo, with hi lo the filter's number from 1), then the one that matches: four zero
 * bytes, with which every pub_thr message starts. The publisher then matches each message
 * against F subscriptions of which one matches. The JeroMQ twin and zmq_perf.c make the same
 * topics, and every pub_thr starts once it has seen one matching subscription per subscriber (a
 * topic of zero bytes only: the empty one or the matching one). A SUB sends its filters in its
 * trie's order, not in the order they were set, so a few non-matching ones may reach the
 * publisher just after it started: the first messages are then matched against fewer filters,
 * and none is lost.
 */
public final class SubscriptionFilters {
    /** The most filters a SUB may hold in this tool (its numbers fit two bytes). */
    public static final int MAX = 10_000;
    /** How many leading zero bytes every pub_thr message has (fewer when the message is shorter). */
    public static final int ZERO_PREFIX = 4;

    private SubscriptionFilters() {
    }

    /** The topics of {@code filters} subscriptions, in the order a SUB sends them. */
    public static List<byte[]> topics(int filters) {
        List<byte[]> out = new ArrayList<>(filters);
        if (filters == 1) {
            out.add(new byte[0]);
            return out;
        }
        for (int i = 1; i < filters; i++) {
            out.add(new byte[] {0, 0, (byte) (i >>> 8), (byte) i});
        }
        out.add(new byte[ZERO_PREFIX]);
        return out;
    }

    /** True when {@code topic} is one that pub_thr's gate counts: zero bytes only (or none). */
    public static boolean isMatching(byte[] topic, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (topic[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
