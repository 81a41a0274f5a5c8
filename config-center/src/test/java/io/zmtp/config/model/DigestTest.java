package io.zmtp.config.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class DigestTest {

    private static String sha256Hex(byte... input) {
        return HexFormat.of().formatHex(ReferenceDigest.sha256(input));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void emptyNamespaceIsSha256OfNothing() {
        String expected = sha256Hex();
        assertThat(expected).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Digest.of(new TreeMap<>(Digest.KEY_ORDER))).isEqualTo(expected);
        assertThat(Digest.of(Collections.emptySortedMap())).isEqualTo(expected);
        assertThat(Digest.EMPTY).isEqualTo(expected);
    }

    @Test
    void matchesHandBuiltBytes() {
        TreeMap<String, byte[]> content = new TreeMap<>(Digest.KEY_ORDER);
        content.put("bc", bytes(0x00, 0xff));
        content.put("a", "1".getBytes(StandardCharsets.US_ASCII));
        byte[] layout = bytes(
                0, 0, 0, 1, 'a', 0, 0, 0, 1, '1',
                0, 0, 0, 2, 'b', 'c', 0, 0, 0, 2, 0x00, 0xff);
        assertThat(Digest.of(content)).isEqualTo(sha256Hex(layout));
    }

    @Test
    void emptyValueAndKeyOrderPrefixFirst() {
        TreeMap<String, byte[]> content = new TreeMap<>(Digest.KEY_ORDER);
        content.put("ab", new byte[0]);
        content.put("a", bytes(7));
        byte[] layout = bytes(
                0, 0, 0, 1, 'a', 0, 0, 0, 1, 7,
                0, 0, 0, 2, 'a', 'b', 0, 0, 0, 0);
        assertThat(Digest.of(content)).isEqualTo(sha256Hex(layout));
    }

    @Test
    void nonAsciiKeysSortByUnsignedUtf8Bytes() {
        String eAcute = "\u00e9";          // C3 A9
        String halfwidth = "\uff61";       // EF BD A1
        String grinning = "\ud83d\ude00";  // U+1F600: F0 9F 98 80
        List<String> keys = new ArrayList<>(List.of(grinning, "z", halfwidth, "aa", eAcute, "a"));

        keys.sort(Digest.KEY_ORDER);
        assertThat(keys).containsExactly("a", "aa", "z", eAcute, halfwidth, grinning);
        // Java's own order puts the surrogate pair before U+FF61, which would be wrong on the wire
        assertThat(grinning.compareTo(halfwidth)).isNegative();

        TreeMap<String, byte[]> content = new TreeMap<>(Digest.KEY_ORDER);
        content.put(grinning, bytes('3'));
        content.put(halfwidth, bytes('2'));
        content.put(eAcute, bytes('1'));
        byte[] layout = bytes(
                0, 0, 0, 2, 0xc3, 0xa9, 0, 0, 0, 1, '1',
                0, 0, 0, 3, 0xef, 0xbd, 0xa1, 0, 0, 0, 1, '2',
                0, 0, 0, 4, 0xf0, 0x9f, 0x98, 0x80, 0, 0, 0, 1, '3');
        String expected = sha256Hex(layout);
        assertThat(Digest.of(content)).isEqualTo(expected);

        // a map sorted by Java's natural order is re-sorted, so the digest does not change
        SortedMap<String, byte[]> javaOrder = new TreeMap<>();
        javaOrder.putAll(content);
        assertThat(new ArrayList<>(javaOrder.keySet())).containsExactly(eAcute, grinning, halfwidth);
        assertThat(Digest.of(javaOrder)).isEqualTo(expected);
    }

    @Test
    void digestDependsOnKeyValueBoundaries() {
        TreeMap<String, byte[]> one = new TreeMap<>(Digest.KEY_ORDER);
        one.put("ab", bytes('c'));
        TreeMap<String, byte[]> other = new TreeMap<>(Digest.KEY_ORDER);
        other.put("a", bytes('b', 'c'));
        assertThat(Digest.of(one)).isNotEqualTo(Digest.of(other));
    }

    @Test
    void wellFormedDigests() {
        assertThat(Digest.isWellFormed(Digest.EMPTY)).isTrue();
        assertThat(Digest.isWellFormed(Digest.EMPTY.toUpperCase())).isFalse();
        assertThat(Digest.isWellFormed(Digest.EMPTY.substring(1))).isFalse();
        assertThat(Digest.isWellFormed(null)).isFalse();
    }

    @Property
    void keyOrderIsUnsignedUtf8ByteOrder(@ForAll("keys") String a, @ForAll("keys") String b) {
        int expected = Integer.signum(Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        assertThat(Integer.signum(Digest.KEY_ORDER.compare(a, b))).isEqualTo(expected);
    }

    @Property
    void digestMatchesReference(@ForAll("contents") TreeMap<String, byte[]> content) {
        assertThat(Digest.of(content)).isEqualTo(ReferenceDigest.of(content));
    }

    /** Strings over code points chosen at the edges of each UTF-8 length, so prefixes are shared often. */
    @Provide
    Arbitrary<String> keys() {
        Arbitrary<Integer> codePoints = Arbitraries.of(
                (int) 'a', (int) 'b', 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xff61, 0xffff,
                0x10000, 0x1f600, 0x10ffff);
        return codePoints.list().ofMaxSize(5).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    @Provide
    Arbitrary<TreeMap<String, byte[]>> contents() {
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(4);
        return Arbitraries.maps(keys().filter(k -> !k.isEmpty()), values).ofMaxSize(6).map(m -> {
            TreeMap<String, byte[]> t = new TreeMap<>();
            t.putAll(m);
            return t;
        });
    }
}
