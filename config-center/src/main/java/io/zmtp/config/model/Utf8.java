package io.zmtp.config.model;

/**
 * UTF-8 byte counts without encoding, for size limits that are defined in bytes.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The number of bytes of the UTF-8 form of {@code s}. An unpaired surrogate counts as the one
     * byte Java's encoder replaces it with; valid keys have none.
     */
    public static int length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
