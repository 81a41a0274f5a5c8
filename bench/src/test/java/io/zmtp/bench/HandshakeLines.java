package io.zmtp.bench;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lines curve_hs_server and curve_hs_client print, checked against what they returned. */
public final class HandshakeLines {
    private HandshakeLines() {
    }

    public static void assertServerLines(List<String> lines, HandshakeBench.ServerResult s) {
        assertEquals(5, lines.size(), lines::toString);
        assertEquals("handshake count: " + s.handshakes(), lines.get(0));
        assertEquals("key set: 1000 keys", lines.get(1));
        assertEquals("authentications: " + s.accepted() + " accepted, " + s.refused() + " refused", lines.get(2));
        assertEquals("mean handshakes: " + s.handshakesPerSecond() + " [hs/s]", lines.get(3));
        assertTrue(lines.get(4).matches("cpu per handshake: \\d+\\.\\d \\[us\\]"), lines.get(4));
    }

    public static void assertClientLines(List<String> lines, HandshakeBench.ClientResult c) {
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("handshake count: " + c.handshakes(), lines.get(0));
        assertEquals("parallel: " + c.parallel(), lines.get(1));
        assertTrue(lines.get(2).matches("elapsed: \\d+\\.\\d{3} \\[s\\]"), lines.get(2));
        assertEquals("mean handshakes: " + c.handshakesPerSecond() + " [hs/s]", lines.get(3));
    }
}
