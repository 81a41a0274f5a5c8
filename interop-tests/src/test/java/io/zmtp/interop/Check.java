package io.zmtp.interop;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Small helpers the cells share (the waits are on {@link Cell}, which pokes the peers while waiting). */
final class Check {
    private static final HexFormat HEX = HexFormat.of();

    private Check() {
    }

    static void assertSameFrames(List<byte[]> got, List<byte[]> expected, String who) {
        assertThat(got).as("frame count at %s", who).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            byte[] g = got.get(i);
            byte[] e = expected.get(i);
            if (!java.util.Arrays.equals(g, e)) {
                throw new AssertionError("frame " + i + " at " + who + " differs: expected " + e.length + " bytes "
                        + preview(e) + ", got " + g.length + " bytes " + preview(g));
            }
        }
    }

    static String preview(byte[] b) {
        int n = Math.min(b.length, 32);
        return "[" + HEX.formatHex(b, 0, n) + (b.length > n ? "..." : "") + "]";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A subscription (0x01) or unsubscription (0x00) message body, as XSUB sends and XPUB receives. */
    static byte[] subscription(boolean subscribe, String topic) {
        byte[] t = utf8(topic);
        byte[] out = new byte[t.length + 1];
        out[0] = (byte) (subscribe ? 1 : 0);
        System.arraycopy(t, 0, out, 1, t.length);
        return out;
    }
}
