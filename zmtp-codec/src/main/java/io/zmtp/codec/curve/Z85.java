package io.zmtp.codec.curve;

import java.util.Arrays;

/**
 * Z85 (ZeroMQ RFC 32): 4 bytes become 5 printable characters, so CURVE keys can live in
 * configuration files and on command lines. Only whole groups are accepted, as the RFC says;
 * errors name the offending index but never echo the input, which is often a secret key.
 */
public final class Z85 {
    private static final String ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    private static final char[] ENCODER = ALPHABET.toCharArray();
    /** Digit value by character code, -1 where the character is not in the alphabet. */
    private static final byte[] DECODER = new byte[128];

    static {
        Arrays.fill(DECODER, (byte) -1);
        for (int i = 0; i < ENCODER.length; i++) {
            DECODER[ENCODER[i]] = (byte) i;
        }
    }

    private Z85() {
    }

    /** Encodes {@code data}, whose length must be a multiple of 4. */
    public static String encode(byte[] data) {
        if (data.length % 4 != 0) {
            throw new IllegalArgumentException(
                    "Z85 encodes whole 4-byte groups; " + data.length + " bytes is not a multiple of 4");
        }
        char[] out = new char[data.length / 4 * 5];
        int o = 0;
        for (int i = 0; i < data.length; i += 4) {
            long value = ((data[i] & 0xFFL) << 24) | ((data[i + 1] & 0xFF) << 16)
                    | ((data[i + 2] & 0xFF) << 8) | (data[i + 3] & 0xFF);
            for (int d = 4; d >= 0; d--) {
                out[o + d] = ENCODER[(int) (value % 85)];
                value /= 85;
            }
            o += 5;
        }
        return new String(out);
    }

    /** Decodes {@code text}, whose length must be a multiple of 5. */
    public static byte[] decode(String text) {
        if (text.length() % 5 != 0) {
            throw new IllegalArgumentException(
                    "Z85 decodes whole 5-character groups; " + text.length() + " characters is not a multiple of 5");
        }
        byte[] out = new byte[text.length() / 5 * 4];
        int o = 0;
        for (int i = 0; i < text.length(); i += 5) {
            long value = 0;
            for (int d = 0; d < 5; d++) {
                char c = text.charAt(i + d);
                int digit = c < DECODER.length ? DECODER[c] : -1;
                if (digit < 0) {
                    throw new IllegalArgumentException(
                            "character at index " + (i + d) + " is not in the Z85 alphabet");
                }
                value = value * 85 + digit;
            }
            if (value > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(
                        "Z85 group at index " + i + " decodes to more than 2^32-1");
            }
            out[o++] = (byte) (value >>> 24);
            out[o++] = (byte) (value >>> 16);
            out[o++] = (byte) (value >>> 8);
            out[o++] = (byte) value;
        }
        return out;
    }
}
