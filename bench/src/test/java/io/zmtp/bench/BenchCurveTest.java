package io.zmtp.bench;

import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's CURVE keys are two real pairs, and the C peer holds the same ones: a key
 * mistyped in one place would only show up as a CURVE run that never starts.
 */
class BenchCurveTest {
    @AfterEach
    void clearSwitch() {
        System.clearProperty(BenchCurve.PROPERTY);
    }

    @Test
    void eachPublicKeyBelongsToItsSecretKey() {
        assertEquals(BenchCurve.SERVER_PUBLIC, CurveKeyPair.fromSecret(CurveKeyPair.decodeKey(BenchCurve.SERVER_SECRET)).publicKeyZ85());
        assertEquals(BenchCurve.CLIENT_PUBLIC, CurveKeyPair.fromSecret(CurveKeyPair.decodeKey(BenchCurve.CLIENT_SECRET)).publicKeyZ85());
    }

    @Test
    void theCPeerHasTheSameKeys() throws Exception {
        String c = Files.readString(Path.of("native", "zmq_perf.c"), StandardCharsets.UTF_8);
        for (String key : new String[] {BenchCurve.SERVER_PUBLIC, BenchCurve.SERVER_SECRET,
                BenchCurve.CLIENT_PUBLIC, BenchCurve.CLIENT_SECRET}) {
            assertTrue(c.contains('"' + key + '"'), "native/zmq_perf.c lacks " + key);
        }
    }

    @Test
    void theSwitchReadsOnAndOffAndRefusesTheRest() {
        for (String on : new String[] {"1", "true", " YES ", "On"}) {
            System.setProperty(BenchCurve.PROPERTY, on);
            assertTrue(BenchCurve.requested(), on);
        }
        for (String off : new String[] {"", "0", "false", "No", "off"}) {
            System.setProperty(BenchCurve.PROPERTY, off);
            assertFalse(BenchCurve.requested(), off);
        }
        System.setProperty(BenchCurve.PROPERTY, "2");
        assertThrows(IllegalArgumentException.class, BenchCurve::requested);
    }
}
