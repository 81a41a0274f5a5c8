package io.zmtp.bench.soak;

import java.util.BitSet;

/**
 * The receiving side's ledger of numbered messages: distinct numbers, duplicates, and messages
 * that were broken or came out of order. Written by one receiving thread, read after it stopped
 * (or, for progress, through the volatile last number).
 */
final class Receipts {
    private final BitSet seen = new BitSet();
    private long received;
    private long duplicated;
    private long broken;
    private volatile long last = -1;

    void add(long seq) {
        received++;
        if (seq < 0 || seq > Integer.MAX_VALUE) {
            broken++;
            return;
        }
        if (seen.get((int) seq)) {
            duplicated++;
        } else if (seq < last) {
            broken++; // out of order
        }
        seen.set((int) seq);
        last = Math.max(last, seq);
    }

    long last() {
        return last;
    }

    long received() {
        return received;
    }

    long distinct() {
        return seen.cardinality();
    }

    long duplicated() {
        return duplicated;
    }

    long broken() {
        return broken;
    }
}
