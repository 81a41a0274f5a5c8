package io.zmtp.config.store;

/**
 * Tells a server of revisions committed to its store by anybody, itself or another server on the
 * same storage (replicas on one PostgreSQL database). A store that only one server writes (the
 * embedded {@link H2ConfigStore}) has nothing to tell and returns {@link #NONE}.
 *
 * <p>The listener is called on the feed's own thread, with a namespace and its latest revision as
 * the feed learned it; the same or an older revision may come again (the feed both listens and
 * reads periodically, so a lost notice cannot lose a revision), so the listener must treat a call
 * as "the namespace is at least at this revision". A listener that throws is called again for
 * that revision at the next read.
 */
public interface RevisionFeed extends AutoCloseable {
    /** What a feed calls, on its own thread. */
    @FunctionalInterface
    interface Listener {
        void revision(String namespace, long revision);
    }

    /** The feed of a store with no other writer: it never calls its listener. */
    RevisionFeed NONE = () -> {
    };

    /** Stops the feed; its listener is not called once this returns. Idempotent. */
    @Override
    void close();
}
