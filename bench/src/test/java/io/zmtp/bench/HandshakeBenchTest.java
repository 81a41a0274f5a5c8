package io.zmtp.bench;

import io.zmtp.codec.curve.Z85;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake benchmark's key set: its size, the benchmark client's key in it, and the generated
 * keys pinned (zmq_perf.c makes the same ones; NativePeerSmokeTest compares the two lists whole).
 */
class HandshakeBenchTest {
    @Test
    void aThousandDistinctKeysTheBenchmarkClientsFirst() {
        List<byte[]> keys = HandshakeBench.keySet();
        assertEquals(HandshakeBench.KEY_SET_SIZE, keys.size());
        assertArrayEquals(Z85.decode(BenchCurve.CLIENT_PUBLIC), keys.get(0));
        keys.forEach(k -> assertEquals(32, k.length));
        assertEquals(HandshakeBench.KEY_SET_SIZE, HandshakeBench.keyLookup().size());
        assertEquals(HandshakeBench.KEY_SET_SIZE, HandshakeBench.keySetZ85().stream().distinct().count());
    }

    @Test
    void theGeneratedKeysAreFixed() {
        // splitmix64 from the seed, four values a key, each 8 bytes little-endian.
        assertEquals("838a9fae48e2ba9b5a1de88b853d201c49ecc3cfe61ff3f3b1805dfa3a708819",
                HexFormat.of().formatHex(HandshakeBench.keySet().get(1)));
        assertEquals(HandshakeBench.keySet().get(999).length, 32);
    }

    @Test
    void theLookupComparesContent() {
        byte[] copy = Z85.decode(BenchCurve.CLIENT_PUBLIC);
        assertTrue(HandshakeBench.keyLookup().contains(ByteBuffer.wrap(copy)));
        assertFalse(HandshakeBench.keyLookup().contains(ByteBuffer.wrap(Z85.decode(BenchCurve.SERVER_PUBLIC))));
    }

    @Test
    void ratesAreTruncatedPerSecond() {
        assertEquals(500, HandshakeBench.rate(1000, 2_000_000_000L));
        assertEquals(1_000_000, HandshakeBench.rate(1, 0));
        HandshakeBench.ServerResult r = new HandshakeBench.ServerResult(200, 200, 0, 1_000_000_000L, 100_000_000L);
        assertEquals(200, r.handshakesPerSecond());
        assertEquals(500.0, r.cpuMicrosPerHandshake(), 1e-9);
        assertEquals(-1.0, new HandshakeBench.ServerResult(1, 1, 0, 1, -1).cpuMicrosPerHandshake());
    }
}
