package io.zmtp.config.agent;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One namespace on an agent: the applied snapshot (published through a volatile field, so
 * readers on any thread see a whole revision or the previous one, never half), and the sync
 * machinery, touched only under the agent's lock.
 */
final class NamespaceState {
    /** Updates held while a sync runs; beyond this many the sync will resend them anyway. */
    static final int MAX_BUFFERED = 10_000;

    final String namespace;
    volatile Snapshot current;
    /** Where {@link #current} came from: false until the server confirmed it in this run. */
    volatile boolean confirmed;
    volatile String failure;
    /** Why the files of {@link #current} (cache, write-dir) could not be written, or null; retried. */
    volatile String writeError;
    /** Writes the cache of this namespace, or null when the agent keeps none; under the agent's lock. */
    CacheFile.Writer cache;

    boolean syncing;
    long syncReq;
    /** When the sync was asked for or last answered: the sync timeout runs from here. */
    long syncSentAt;
    final List<Revision> buffered = new ArrayList<>();
    /** A snapshot being received: its announced revision, digest, size, and the entries so far. */
    long snapshotRev = -1;
    String snapshotDigest;
    long snapshotEntries;
    TreeMap<String, byte[]> snapshotContent;
    boolean reportDue;
    /** When the due report is to be sent (System.nanoTime). */
    long reportAt;
    /** When this namespace was last reported (System.nanoTime); a keepalive is due an interval later. */
    long reportedAt;
    /**
     * During a SYNC from 0 of a namespace that holds content: the content rebuilt from the answer's
     * REVISIONs, starting empty, installed at SYNCED. Without it a server whose history reaches back
     * to revision 1 answers with revisions the agent skips as old, and a namespace whose content is
     * wrong would ask from 0 for ever.
     */
    Snapshot rebuilding;
    /** The server run (HEARTBEAT/SYNCED {@code epoch}) this namespace last synced with; null before. */
    String epoch;

    NamespaceState(String namespace, Snapshot initial) {
        this.namespace = namespace;
        this.current = initial;
        this.reportedAt = System.nanoTime();
    }

    long revision() {
        return current.revision();
    }

    /**
     * Applies the next revision; returns the new snapshot, or null when it does not follow on or
     * its digest differs from what the content gives (the caller then resyncs).
     */
    Snapshot next(Revision r) {
        return next(current, r);
    }

    /** {@link #next(Revision)} on {@code base} rather than the applied snapshot. */
    Snapshot next(Snapshot base, Revision r) {
        if (r.number() != base.revision() + 1) {
            return null;
        }
        SortedMap<String, byte[]> content = new TreeMap<>(Digest.KEY_ORDER);
        content.putAll(base.entries());
        for (Change c : r.changes()) {
            if (c.isDelete()) {
                content.remove(c.key());
            } else {
                content.put(c.key(), c.value());
            }
        }
        String digest = Digest.of(content);
        if (!digest.equals(r.digest())) {
            return null;
        }
        return new Snapshot(namespace, r.number(), digest, content);
    }
}
