package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.Namespaces;
import io.zmtp.config.model.Snapshot;
import io.zmtp.config.model.Utf8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rules every {@link ConfigStore} applies to a commit, whatever it stores in: checking the
 * input, computing the effective change set, its undo set and the new content, the size limits,
 * and the change set a rollback commits. Kept in one place so the stores cannot drift apart.
 */
final class ChangeSets {
    /** The longest author accepted by a commit, in characters. */
    static final int MAX_AUTHOR_LENGTH = 256;
    /** The longest message accepted by a commit, in characters. */
    static final int MAX_MESSAGE_LENGTH = 4096;

    private ChangeSets() {
    }

    /**
     * A change set applied to the content before it.
     *
     * @param effective the changes that change something, in the caller's order
     * @param undo for each effective change, the change that reverts it (the key's previous value,
     *     or a delete where it was absent)
     * @param after the content with the change set applied
     * @param totalBytes the size of {@code after} as limits count it
     */
    record Applied(List<Change> effective, List<Change> undo, TreeMap<String, byte[]> after, long totalBytes) {
    }

    /** Checks everything of a commit that needs no stored state; {@link IllegalArgumentException} otherwise. */
    static void checkCommit(String namespace, List<Change> changes, String author, String message) {
        Namespaces.validate(namespace);
        checkAuthorAndMessage(author, message);
        if (changes == null || changes.isEmpty()) {
            throw new IllegalArgumentException("change set for namespace '" + namespace + "' is empty");
        }
        Set<String> keys = new HashSet<>();
        for (Change c : changes) {
            if (c == null) {
                throw new IllegalArgumentException("change set for namespace '" + namespace + "' contains null");
            }
            if (!keys.add(c.key())) {
                throw new IllegalArgumentException("key '" + c.key() + "' appears more than once in the change set for namespace '"
                        + namespace + "'");
            }
        }
    }

    static void checkAuthorAndMessage(String author, String message) {
        checkText(author, "author", MAX_AUTHOR_LENGTH);
        checkText(message, "message", MAX_MESSAGE_LENGTH);
    }

    /**
     * Null, too long, U+0000 (which PostgreSQL's text cannot hold) and unpaired surrogates (which
     * have no UTF-8 form, so a database would store something else) are refused.
     */
    private static void checkText(String text, String what, int maxLength) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (text.length() > maxLength) {
            throw new IllegalArgumentException(what + " is " + text.length() + " characters long, at most "
                    + maxLength + " allowed");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException(what + " has U+0000 at index " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format("%s has an unpaired surrogate U+%04X at index %d",
                        what, (int) c, i));
            }
        }
    }

    /**
     * Applies a checked change set to {@code before} (whose size is {@code beforeBytes}).
     *
     * @throws ConfigLimitException when a value or the resulting namespace is over {@code limits}
     *     (a namespace already over a since-lowered limit may still shrink)
     * @throws IllegalArgumentException when nothing would change
     */
    static Applied apply(Snapshot before, long beforeBytes, List<Change> changes, StoreLimits limits) {
        String namespace = before.namespace();
        for (Change c : changes) {
            if (!c.isDelete() && c.value().length > limits.maxValueBytes()) {
                throw new ConfigLimitException("value of key '" + c.key() + "' in namespace '" + namespace + "' is "
                        + c.value().length + " bytes, over the limit of " + limits.maxValueBytes());
            }
        }
        SortedMap<String, byte[]> content = before.entries();
        TreeMap<String, byte[]> after = new TreeMap<>(content);
        List<Change> effective = new ArrayList<>();
        List<Change> undo = new ArrayList<>();
        long total = beforeBytes;
        for (Change c : changes) {
            byte[] old = content.get(c.key());
            int keyBytes = Utf8.length(c.key());
            if (c.isDelete()) {
                if (old == null) {
                    continue;
                }
                after.remove(c.key());
                total -= keyBytes + old.length;
            } else {
                if (Arrays.equals(old, c.value())) {
                    continue;
                }
                after.put(c.key(), c.value());
                total += c.value().length - (old == null ? -keyBytes : old.length);
            }
            effective.add(c);
            undo.add(old == null ? Change.delete(c.key()) : Change.put(c.key(), old));
        }
        if (effective.isEmpty()) {
            throw new IllegalArgumentException("change set changes nothing in namespace '" + namespace
                    + "' at revision " + before.revision());
        }
        if (total > limits.maxNamespaceBytes() && total > beforeBytes) {
            throw new ConfigLimitException("namespace '" + namespace + "' would be " + total
                    + " bytes (keys plus values), over the limit of " + limits.maxNamespaceBytes());
        }
        return new Applied(effective, undo, after, total);
    }

    /**
     * The change set that turns {@code now} into {@code target}'s content, sorted by key.
     *
     * @throws IllegalArgumentException when the content already equals it
     */
    static List<Change> rollbackTo(String namespace, SortedMap<String, byte[]> now, Snapshot target) {
        TreeMap<String, Change> diff = new TreeMap<>(Digest.KEY_ORDER);
        for (String key : now.keySet()) {
            if (!target.entries().containsKey(key)) {
                diff.put(key, Change.delete(key));
            }
        }
        for (Map.Entry<String, byte[]> e : target.entries().entrySet()) {
            if (!Arrays.equals(now.get(e.getKey()), e.getValue())) {
                diff.put(e.getKey(), Change.put(e.getKey(), e.getValue()));
            }
        }
        if (diff.isEmpty()) {
            throw new IllegalArgumentException("namespace '" + namespace + "' already has the content of revision "
                    + target.revision());
        }
        return new ArrayList<>(diff.values());
    }

    /** Applies {@code changes} to {@code entries} in place. */
    static void applyTo(TreeMap<String, byte[]> entries, List<Change> changes) {
        for (Change c : changes) {
            if (c.isDelete()) {
                entries.remove(c.key());
            } else {
                entries.put(c.key(), c.value());
            }
        }
    }

    /** A stored change set or undo set, decoded; a corrupt one is a {@link ConfigStoreException}. */
    /**
     * The content rows to write for several consecutive change sets of one namespace: each key they
     * touch once, with its last put or delete (a store's {@code content} holds only the latest
     * content, so the values in between need not be written).
     */
    static List<Change> lastPerKey(List<List<Change>> changeSets) {
        if (changeSets.size() == 1) {
            return changeSets.get(0);
        }
        java.util.LinkedHashMap<String, Change> last = new java.util.LinkedHashMap<>();
        for (List<Change> set : changeSets) {
            for (Change c : set) {
                last.put(c.key(), c);
            }
        }
        return new java.util.ArrayList<>(last.values());
    }

    static List<Change> decode(byte[] blob, String namespace, long rev, String column) {
        try {
            return ChangeSetCodec.decode(blob);
        } catch (IllegalArgumentException e) {
            throw new ConfigStoreException("stored " + column + " of revision " + rev + " of namespace '" + namespace
                    + "' is corrupt: " + e.getMessage(), e);
        }
    }
}
