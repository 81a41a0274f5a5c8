package io.zmtp.bench.jmh;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the whole-path allocation count briefly. It checks the accounting, not a target: every
 * thread was counted in both phases (a thread missing from one throws), and the caller's message
 * of 1 KiB holds at least its 1 KiB array.
 */
class SocketPathAllocationTest {
    @Test
    void countsEveryThreadOfEveryTransportAndSize() throws Exception {
        List<SocketPathAllocation.Figure> figures = SocketPathAllocation.measure(2_000, 2_000);
        assertEquals(SocketPathAllocation.TRANSPORTS.length * SocketPathAllocation.SIZES.length
                * SocketPathAllocation.INTO.length, figures.size());
        for (SocketPathAllocation.Figure f : figures) {
            String what = f.transport() + " " + f.size() + " " + f.into();
            assertTrue(f.senderThread() >= 0, what);
            assertTrue(f.eventLoop() >= 0, what);
            assertTrue(f.receiverThread() >= 0, what);
            if (f.size() == 1024) {
                assertTrue(f.callerMessage() >= 1024, what);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SocketPathAllocation.print(figures.get(0), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String line = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("- tcp, 16 B, receive(): the library "), line);
    }
}
