package io.zmtp.bench.jmh;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the allocation count briefly: it measures every size on both threads and prints a line each. Never checks a figure. */
class EncoderAllocationTest {
    @Test
    void measuresEverySizeOnBothThreads() throws InterruptedException {
        List<EncoderAllocation.Figure> figures = EncoderAllocation.measure(10, 10);
        assertEquals(2 * EncoderAllocation.SIZES.length, figures.size());
        for (String thread : new String[] {"Netty thread", "plain thread"}) {
            for (int size : EncoderAllocation.SIZES) {
                assertTrue(figures.stream().anyMatch(f -> f.thread().equals(thread) && f.size() == size),
                        thread + " " + size);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EncoderAllocation.print(figures.get(0), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String line = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("- Netty thread, size=16: encodeBatched "), line);
        assertTrue(line.contains("the encoder's own "), line);
    }
}
