package io.zmtp.config.model;

import java.time.Instant;
import java.util.List;

/**
 * One committed revision of a namespace: its number (1, 2, 3, ... per namespace), the
 * {@link Digest} of the content after it, who made it and why, and the change set that turned
 * revision {@code number - 1} into it. {@code author} is the admin the server authenticated on the
 * connection that made it and {@code source} that connection's address ({@code ""} when unknown). Replaying change sets in order rebuilds any later content.
 *
 * <p>The store keeps only changes that had an effect: puts of a key's current value and deletes of
 * absent keys are dropped from {@code changes}.
 */
public record Revision(String namespace, long number, String digest, String author, Instant time,
                       String message, List<Change> changes, String source) {

    /** A revision whose source address is not known ({@code ""}): a store that keeps none, or an older row. */
    public Revision(String namespace, long number, String digest, String author, Instant time, String message,
                    List<Change> changes) {
        this(namespace, number, digest, author, time, message, changes, "");
    }

    /**
     * @throws IllegalArgumentException for an invalid namespace, a number below 1, a malformed
     *     digest, or a null author, time, message or change
     */
    public Revision {
        Namespaces.validate(namespace);
        if (number < 1) {
            throw new IllegalArgumentException("revision number must be >= 1, got " + number);
        }
        Digest.requireWellFormed(digest);
        if (author == null) {
            throw new IllegalArgumentException("author is null");
        }
        if (time == null) {
            throw new IllegalArgumentException("time is null");
        }
        if (message == null) {
            throw new IllegalArgumentException("message is null");
        }
        if (changes == null) {
            throw new IllegalArgumentException("changes is null");
        }
        for (Change c : changes) {
            if (c == null) {
                throw new IllegalArgumentException("changes contains null");
            }
        }
        changes = List.copyOf(changes);
        source = source == null ? "" : source;
    }

    @Override
    public String toString() {
        return "Revision[" + namespace + "@" + number + ", digest=" + digest + ", author=" + author
                + ", time=" + time + ", " + changes.size() + " changes, message=" + message + "]";
    }
}
