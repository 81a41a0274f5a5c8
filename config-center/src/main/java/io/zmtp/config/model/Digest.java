package io.zmtp.config.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The canonical digest of a namespace's content. Agents written in any language compare it with
 * the server's digest to prove they hold exactly the same content, so the layout is fixed here.
 *
 * <h2>Layout</h2>
 * <ol>
 *   <li>Encode every key as UTF-8 (keys are valid Unicode, see {@link Change#validateKey}).</li>
 *   <li>Sort the entries by their UTF-8 key bytes compared as <em>unsigned</em> bytes,
 *       lexicographically; a key that is a prefix of another sorts first. This is the same as
 *       sorting by Unicode code point, and differs from Java's {@code String.compareTo} for keys
 *       mixing U+E000..U+FFFF with characters above U+FFFF.</li>
 *   <li>Feed SHA-256, for each entry in that order, with:
 *     <pre>
 *     uint32 big-endian   length of the UTF-8 key, in bytes
 *     bytes               the UTF-8 key
 *     uint32 big-endian   length of the value, in bytes
 *     bytes               the value
 *     </pre>
 *     Nothing comes before the first entry, between entries or after the last one.</li>
 *   <li>The digest is the 32-byte SHA-256 result as 64 lowercase hexadecimal characters.</li>
 * </ol>
 * An empty namespace therefore has the SHA-256 of no bytes,
 * {@value #EMPTY}.
 *
 * <p>Example: the content {@code {"a" -> "1"}} hashes the 10 bytes
 * {@code 00 00 00 01 61 00 00 00 01 31}.
 */
public final class Digest {
    /** The digest of an empty namespace: SHA-256 of zero bytes. */
    public static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /**
     * Orders keys by their UTF-8 bytes compared unsigned, which for valid Unicode strings is code
     * point order. Every {@link Snapshot} map uses it, and so must any map whose iteration order
     * matters to the digest or the wire.
     */
    public static final Comparator<String> KEY_ORDER = Digest::compareKeys;

    private static final HexFormat HEX = HexFormat.of();

    private Digest() {
    }

    /**
     * The digest of {@code entries}. A map sorted by another comparator is re-sorted by
     * {@link #KEY_ORDER} first, so the result never depends on the caller's map type.
     *
     * @throws NullPointerException when a key or a value is null
     */
    public static String of(SortedMap<String, byte[]> entries) {
        SortedMap<String, byte[]> ordered = entries;
        if (entries.comparator() != KEY_ORDER) {
            ordered = new TreeMap<>(KEY_ORDER);
            ordered.putAll(entries);
        }
        MessageDigest sha = sha256();
        byte[] length = new byte[4];
        for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue();
            if (value == null) {
                throw new NullPointerException("value of key '" + e.getKey() + "' is null");
            }
            sha.update(bigEndian(key.length, length));
            sha.update(key);
            sha.update(bigEndian(value.length, length));
            sha.update(value);
        }
        return HEX.formatHex(sha.digest());
    }

    /** Whether {@code digest} has the form of a digest: 64 lowercase hexadecimal characters. */
    public static boolean isWellFormed(String digest) {
        if (digest == null || digest.length() != 64) {
            return false;
        }
        for (int i = 0; i < digest.length(); i++) {
            char c = digest.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns {@code digest} when it is well formed.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String requireWellFormed(String digest) {
        if (!isWellFormed(digest)) {
            throw new IllegalArgumentException("digest must be 64 lowercase hex characters (SHA-256), got "
                    + (digest == null ? "null" : "'" + digest + "'"));
        }
        return digest;
    }

    /**
     * Compares by code point, which equals unsigned UTF-8 byte order for well-formed strings,
     * without encoding. At the first differing UTF-16 unit, surrogates (parts of code points above
     * U+FFFF) must rank above U+E000..U+FFFF, so those two ranges are swapped before comparing.
     */
    private static int compareKeys(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return rank(x) - rank(y);
            }
        }
        return a.length() - b.length();
    }

    private static int rank(char c) {
        if (c < Character.MIN_SURROGATE) {
            return c;
        }
        return c > Character.MAX_SURROGATE ? c - 0x800 : c + 0x2000;
    }

    private static byte[] bigEndian(int value, byte[] into) {
        into[0] = (byte) (value >>> 24);
        into[1] = (byte) (value >>> 16);
        into[2] = (byte) (value >>> 8);
        into[3] = (byte) value;
        return into;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
        }
    }
}
