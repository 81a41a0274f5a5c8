package io.zmtp.config.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An independent, deliberately naive implementation of the digest layout for tests: encode every
 * key, sort by unsigned bytes, write the length-prefixed fields into one buffer, hash it. Shares no
 * code with {@link Digest}.
 */
public final class ReferenceDigest {
    private ReferenceDigest() {
    }

    public static String of(Map<String, byte[]> content) {
        return HexFormat.of().formatHex(sha256(layout(content)));
    }

    /** The exact bytes the digest hashes. */
    public static byte[] layout(Map<String, byte[]> content) {
        List<byte[][]> entries = new ArrayList<>();
        content.forEach((k, v) -> entries.add(new byte[][] {k.getBytes(StandardCharsets.UTF_8), v}));
        entries.sort((x, y) -> Arrays.compareUnsigned(x[0], y[0]));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (byte[][] e : entries) {
                out.writeInt(e[0].length);
                out.write(e[0]);
                out.writeInt(e[1].length);
                out.write(e[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
