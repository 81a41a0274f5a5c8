package io.zmtp.config.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One edit of a namespace: store {@code value} under {@code key}, or delete the key when
 * {@code value} is null.
 *
 * <p>Keys are 1..1024 code points without control characters or unpaired surrogates, so that every
 * key has exactly one UTF-8 form (the digest and the wire use it). The value array is copied on
 * construction, so a caller writing to its own array later cannot alter a committed change; the
 * accessor returns the stored array without copying, and callers must treat it as read-only.
 *
 * <p>Equality, hash code and {@code toString} look at the value's content; {@code toString} shows
 * only the value's length, since values may hold secrets.
 */
public record Change(String key, byte[] value) {
    /** The longest allowed key, in Unicode code points (so at most 4096 UTF-8 bytes). */
    public static final int MAX_KEY_LENGTH = 1024;

    /**
     * @throws IllegalArgumentException when the key breaks the key rules
     */
    public Change {
        validateKey(key);
        value = value == null ? null : value.clone();
    }

    /** A put of {@code value}, which must not be null (use {@link #delete} to remove a key). */
    public static Change put(String key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value of a put to '" + key + "' is null; use Change.delete to remove a key");
        }
        return new Change(key, value);
    }

    /** A put of the UTF-8 encoding of {@code utf8}. */
    public static Change put(String key, String utf8) {
        if (utf8 == null) {
            throw new IllegalArgumentException("value of a put to '" + key + "' is null; use Change.delete to remove a key");
        }
        return new Change(key, utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** A delete of {@code key}. */
    public static Change delete(String key) {
        return new Change(key, null);
    }

    /** Whether this change removes its key. */
    public boolean isDelete() {
        return value == null;
    }

    /**
     * Checks the key rules: 1..{@value #MAX_KEY_LENGTH} code points, no ISO control characters
     * (U+0000..U+001F, U+007F..U+009F), no unpaired surrogates.
     *
     * @return the key, unchanged
     * @throws IllegalArgumentException naming the rule the key breaks
     */
    public static String validateKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key is null");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key is empty");
        }
        // Counted in code points, as PROTOCOL.md states it: a key of 1024 emoji is allowed,
        // whatever the UTF-16 length Java gives it. Length first checked cheaply: 2 units per point at most.
        if (key.length() > MAX_KEY_LENGTH && key.codePointCount(0, key.length()) > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key is " + key.codePointCount(0, key.length())
                    + " code points long, at most " + MAX_KEY_LENGTH + " allowed (key starts with '"
                    + key.substring(0, 32) + "')");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(String.format(
                        "key has control character U+%04X at index %d", (int) c, i));
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new IllegalArgumentException(String.format(
                        "key has an unpaired surrogate U+%04X at index %d; keys must be valid Unicode", (int) c, i));
            }
            if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(String.format(
                        "key has an unpaired surrogate U+%04X at index %d; keys must be valid Unicode", (int) c, i));
            }
        }
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Change other && key.equals(other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return value == null ? "delete(" + key + ")" : "put(" + key + ", " + value.length + " bytes)";
    }
}
