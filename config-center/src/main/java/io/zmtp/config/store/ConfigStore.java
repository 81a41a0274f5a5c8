package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.GrayRelease;
import io.zmtp.config.model.NodeReport;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;

import java.util.List;
import java.util.Optional;

/**
 * The durable, versioned content of every namespace, and the agents' last reports. The server is
 * its only writer; everything the agents see comes from here, so each operation is atomic and
 * revision numbers never repeat or skip within a namespace.
 *
 * <p>Every method is thread-safe. After {@link #close()} every method except {@code close} throws
 * {@link IllegalStateException}. Storage failures surface as {@link ConfigStoreException}.
 * {@link H2ConfigStore} is the embedded store of one server; {@link PgConfigStore} keeps the same
 * promises on a PostgreSQL database that several servers (several stores) share, numbering in the
 * database's transaction. Times are kept at least to the microsecond (PostgreSQL truncates finer).
 */
public interface ConfigStore extends AutoCloseable {

    /**
     * Applies {@code changes} to {@code namespace} as its next revision (a new namespace starts at
     * 1), all or nothing. Changes that have no effect (a put of the current value, a delete of an
     * absent key) are accepted but left out of the stored change set.
     *
     * @param author who made the change, at most 256 characters
     * @param message why, at most 4096 characters
     * @return the new revision
     * @throws IllegalArgumentException for an invalid namespace, an empty change set, a key that
     *     appears twice, a change set that changes nothing, or an author or message that is null,
     *     too long, or holds U+0000 or an unpaired surrogate
     * @throws ConfigLimitException when a value or the resulting namespace is over the limits;
     *     nothing is stored and no revision is used up
     * @throws GrayStateException ({@code gray-open}) while a gray release of the namespace is open
     */
    default Revision commit(String namespace, List<Change> changes, String author, String message) {
        return commit(namespace, changes, author, "", message);
    }

    /**
     * {@link #commit(String, List, String, String)} recording where the change came from (the
     * admin connection's address, "" when unknown) for the audit trail. Every store implements this
     * one, so none can drop the source.
     */
    Revision commit(String namespace, List<Change> changes, String author, String source, String message);

    /**
     * The latest content of {@code namespace}; for a namespace never committed to, revision 0 with
     * no entries and the empty digest.
     */
    Snapshot snapshot(String namespace);

    /**
     * The content of {@code namespace} right after {@code revision}; empty when that revision does
     * not exist (below 1 or beyond the latest) or its change set was pruned.
     */
    Optional<Snapshot> snapshotAt(String namespace, long revision);

    /** The latest revision number of {@code namespace}, 0 if never committed to. */
    long latestRevision(String namespace);

    /**
     * Up to {@code limit} revisions numbered above {@code afterRevision}, ascending. Pruned
     * revisions are absent, so the first returned may be above {@code afterRevision + 1}: compare
     * with {@link #oldestRevision}.
     *
     * @throws IllegalArgumentException when {@code afterRevision < 0} or {@code limit < 1}
     */
    List<Revision> history(String namespace, long afterRevision, int limit);

    /** The oldest revision whose change set is still kept; 0 when none is. */
    long oldestRevision(String namespace);

    /** The highest gray revision of {@code namespace} at or below {@code upTo} that was aborted; 0 when none was. */
    long lastAbortedGray(String namespace, long upTo);

    /**
     * What answering a SYNC needs to know before it reads any history, and what a heartbeat says.
     * None of it depends on the node that asks, so the server reads it once for all the SYNCs of one
     * namespace that arrive together: a replica that takes over the agents of a lost one gets
     * hundreds at once. PostgreSQL reads it in one statement; this default asks the methods above
     * one by one (an embedded store pays no round trip for each).
     */
    default SyncFacts syncFacts(String namespace) {
        long latest = latestRevision(namespace);
        return new SyncFacts(latest, null, oldestRevision(namespace), grayRelease(namespace).isPresent(),
                latest == 0 ? 0 : lastAbortedGray(namespace, latest));
    }

    /**
     * The facts of {@link #syncFacts}, read together.
     *
     * @param latest       the latest revision (0: never committed to)
     * @param latestDigest its digest, or null when the store did not read it with the rest
     * @param oldest       the oldest revision whose change set is kept (0: none)
     * @param grayOpen     a gray release is open
     * @param lastAborted  the highest aborted gray revision at or below {@code latest} (0: none)
     */
    record SyncFacts(long latest, String latestDigest, long oldest, boolean grayOpen, long lastAborted) {
        /** A gray revision in ({@code from}, {@code latest}] was aborted: a node at {@code from} must not replay past it. */
        public boolean abortedAfter(long from) {
            return lastAborted > from;
        }
    }

    /**
     * Drops the change sets of revisions below {@code keepFrom}; the latest content is unaffected.
     * {@code keepFrom} may be at most the latest revision + 1 (which drops all history).
     *
     * @throws IllegalArgumentException when {@code keepFrom} is beyond the latest revision + 1
     */
    void prune(String namespace, long keepFrom);

    /**
     * Commits a new revision whose content equals that of {@code toRevision}, as the change set
     * from the current content to it. History is never rewritten.
     *
     * @return the new revision
     * @throws IllegalArgumentException when {@code toRevision} does not exist or was pruned, or the
     *     content already equals it
     * @throws ConfigLimitException when the old content breaks today's limits
     */
    default Revision rollback(String namespace, long toRevision, String author, String message) {
        return rollback(namespace, toRevision, author, "", message);
    }

    /** {@link #rollback(String, long, String, String)} recording the source address; see {@link #commit(String, List, String, String, String)}. */
    Revision rollback(String namespace, long toRevision, String author, String source, String message);

    /** One change set of {@link #commitAll}: what {@link #commit} takes. */
    record Commit(String namespace, List<Change> changes, String author, String source, String message) {
    }

    /** What became of one {@link Commit}: its revision, or why it was refused (then nothing of it is stored). */
    record Outcome(Revision revision, RuntimeException refused) {
    }

    /**
     * Commits several change sets in order, as {@link #commit} would one after the other, with one
     * disk flush for all of them where the store can (a group commit): a server that has several
     * puts waiting commits them together instead of paying a flush each. A change set that is
     * invalid or over the limits is refused on its own ({@link Outcome#refused}) and the others go
     * on. A failure of the store itself throws, and then none of them is stored (this default, which
     * commits one by one, refuses just the ones that failed instead). When this returns, every
     * revision in it is as durable as one {@link #commit} makes it.
     */
    default List<Outcome> commitAll(List<Commit> commits) {
        List<Outcome> out = new java.util.ArrayList<>(commits.size());
        for (Commit c : commits) {
            try {
                out.add(new Outcome(commit(c.namespace(), c.changes(), c.author(), c.source(), c.message()), null));
            } catch (RuntimeException e) {
                out.add(new Outcome(null, e));
            }
        }
        return out;
    }

    /**
     * Opens a gray release: {@code changes} become revision latest + 1 of {@code namespace}, kept
     * apart from the main line (which {@link #latestRevision}, {@link #snapshot} and {@link #history}
     * go on showing) and meant only for {@code nodes}. The namespace must have a revision.
     *
     * @param selector the selector as the admin wrote it, 1-200 characters, for the record
     * @param nodes the node ids it resolved to (none empty or holding ','), stored sorted
     * @return the gray revision
     * @throws GrayStateException ({@code gray-open}) when one is already open
     * @throws IllegalArgumentException as {@link #commit} does, or for a namespace with no revision
     * @throws ConfigLimitException as {@link #commit} does
     */
    Revision openGray(String namespace, List<Change> changes, String author, String source, String message,
                      String selector, List<String> nodes);

    /** The open gray release of {@code namespace}, if any. */
    Optional<GrayRelease> grayRelease(String namespace);

    /**
     * Gray releases of {@code namespace} (open, promoted or aborted) numbered above
     * {@code afterRevision}, ascending, at most {@code limit}.
     */
    List<GrayRelease> grayReleases(String namespace, long afterRevision, int limit);

    /**
     * Makes the open gray revision the main line's: it is committed as the next revision, with the
     * author, source, time and message of the gray put; the release records who promoted it.
     *
     * @return the revision, now the latest
     * @throws GrayStateException ({@code no-gray}) when none is open
     */
    Revision promoteGray(String namespace, String author, String source, String message);

    /**
     * Withdraws the open gray release in one step: the gray revision G is committed (so numbers
     * and history stay whole) and at once followed by G + 1, whose content equals the main line's
     * before G; the release is marked aborted, which tells servers never to send G to anybody.
     *
     * @return revision G + 1, now the latest
     * @throws GrayStateException ({@code no-gray}) when none is open
     */
    Revision abortGray(String namespace, String author, String source, String message);

    /** Every namespace that has at least one revision, sorted. */
    List<String> namespaces();

    /** The size limits this store enforces on every commit. */
    default StoreLimits limits() {
        return StoreLimits.DEFAULTS;
    }

    /** Stores {@code report}, replacing any earlier report of the same node and namespace. */
    void recordReport(NodeReport report);

    /**
     * Stores every report of {@code reports} as {@link #recordReport} does; a store writes them in
     * one transaction, since a server with a thousand nodes saves a thousand reports a second and a
     * transaction (a disk flush) for each would take its thread from publishing. Reports are a view
     * of who runs what, sent again by every node each report interval: a store may write them
     * without waiting for the disk.
     */
    default void recordReports(java.util.Collection<NodeReport> reports) {
        for (NodeReport r : reports) {
            recordReport(r);
        }
    }

    /** All stored reports, sorted by node id then namespace. */
    List<NodeReport> reports();

    /**
     * Deletes the reports of namespaces this store does not hold (stored by servers that accepted
     * them); returns how many went.
     */
    int pruneReports();

    /**
     * Starts telling {@code listener} of new revisions, whoever committed them (see
     * {@link RevisionFeed}); close the feed before the store. A store with no other writer than its
     * server returns {@link RevisionFeed#NONE}.
     */
    default RevisionFeed follow(RevisionFeed.Listener listener) {
        return RevisionFeed.NONE;
    }

    /** Releases the storage, leaving it consistent; further calls do nothing. */
    @Override
    void close();
}
