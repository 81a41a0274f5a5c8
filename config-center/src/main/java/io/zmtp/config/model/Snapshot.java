package io.zmtp.config.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The whole content of a namespace at one revision, with its {@link Digest}. Revision 0 with no
 * entries is the state of a namespace that was never committed to.
 *
 * <p>The map is copied on construction (values included) into an unmodifiable map sorted by
 * {@link Digest#KEY_ORDER}, so iteration follows the digest's order. Value arrays handed out by
 * {@link #entries()} and {@link #get} are shared, not copied: treat them as read-only.
 * The digest is taken as given; {@link #of} computes it.
 *
 * <p>Equality compares value content; {@code toString} does not print values.
 */
public record Snapshot(String namespace, long revision, String digest, SortedMap<String, byte[]> entries) {

    /**
     * @throws IllegalArgumentException for an invalid namespace, a negative revision, a malformed
     *     digest, or a null or invalid key or value
     */
    public Snapshot {
        Namespaces.validate(namespace);
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0, got " + revision);
        }
        Digest.requireWellFormed(digest);
        if (entries == null) {
            throw new IllegalArgumentException("entries is null");
        }
        TreeMap<String, byte[]> copy = new TreeMap<>(Digest.KEY_ORDER);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            Change.validateKey(e.getKey());
            if (e.getValue() == null) {
                throw new IllegalArgumentException("value of key '" + e.getKey() + "' is null");
            }
            copy.put(e.getKey(), e.getValue().clone());
        }
        entries = Collections.unmodifiableSortedMap(copy);
    }

    /** A snapshot of {@code entries} whose digest is computed here. */
    public static Snapshot of(String namespace, long revision, SortedMap<String, byte[]> entries) {
        return new Snapshot(namespace, revision, Digest.of(entries), entries);
    }

    /** The state of a namespace before its first revision. */
    public static Snapshot empty(String namespace) {
        return new Snapshot(namespace, 0, Digest.EMPTY, Collections.emptySortedMap());
    }

    /** The value under {@code key}, if any (shared array: do not modify). */
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The number of keys. */
    public int size() {
        return entries.size();
    }

    /** The namespace's size as limits count it: UTF-8 key bytes plus value bytes, summed. */
    public long totalBytes() {
        long total = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            total += Utf8.length(e.getKey()) + e.getValue().length;
        }
        return total;
    }

    /** Whether {@code other} holds exactly the same keys and values (namespace and revision ignored). */
    public boolean sameContent(Snapshot other) {
        return sameEntries(entries, other.entries);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot other
                && namespace.equals(other.namespace)
                && revision == other.revision
                && digest.equals(other.digest)
                && sameEntries(entries, other.entries);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(namespace, revision, digest);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            h = 31 * h + e.getKey().hashCode();
            h = 31 * h + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        return "Snapshot[" + namespace + "@" + revision + ", " + entries.size() + " keys, digest=" + digest + "]";
    }

    private static boolean sameEntries(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<Map.Entry<String, byte[]>> i = a.entrySet().iterator();
        Iterator<Map.Entry<String, byte[]>> j = b.entrySet().iterator();
        while (i.hasNext()) {
            Map.Entry<String, byte[]> x = i.next();
            Map.Entry<String, byte[]> y = j.next();
            if (!x.getKey().equals(y.getKey()) || !Arrays.equals(x.getValue(), y.getValue())) {
                return false;
            }
        }
        return true;
    }
}
