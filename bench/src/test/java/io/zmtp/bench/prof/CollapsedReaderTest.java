package io.zmtp.bench.prof;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collapsed format as async-profiler 4.1 writes it with {@code threads}, and what it refuses. */
class CollapsedReaderTest {
    private static List<Stack> read(String text) throws IOException {
        return CollapsedReader.read("test.collapsed", new StringReader(text));
    }

    @Test
    void readsThreadAndCountWithSpacesInNamesAndFrames() throws IOException {
        List<Stack> stacks = read("""
                [C2 CompilerThre tid=25628];start_thread;void QuickSort::inner_sort<false, Method*, int (*)(Method*, Method*)> 3
                [main tid=1];io/zmtp/bench/perf/LocalThr.main;__x64_sys_futex_[k] 12
                """);
        assertEquals(List.of(new Stack("C2 CompilerThre", 3), new Stack("main", 12)), stacks);
    }

    @Test
    void acceptsAThreadWithoutTidAndAStackWithOnlyTheThread() throws IOException {
        assertEquals(List.of(new Stack("sub_thr subscriber 2", 4)), read("[sub_thr subscriber 2] 4\n"));
    }

    @Test
    void skipsBlankLinesAndReadsEmptyInputAsNoStacks() throws IOException {
        assertEquals(List.of(), read(""));
        assertEquals(1, read("\n[main tid=1];a/B.c 1\n\n").size());
    }

    @Test
    void refusesALineWithoutCountNamingItsLine() {
        MalformedProfileException e = assertThrows(MalformedProfileException.class,
                () -> read("[main tid=1];a/B.c 1\n\n[main tid=1];a/B.c;no_count_here\n"));
        assertTrue(e.getMessage().startsWith("test.collapsed:3: "), e.getMessage());
        assertEquals("test.collapsed:3: the line does not end in a sample count ('<frames> <count>'): "
                + "'[main tid=1];a/B.c;no_count_here'", e.getMessage());
    }

    @Test
    void refusesACountThatIsNotAPositiveWholeNumber() {
        for (String count : new String[] {"x", "1.5", ""}) {
            MalformedProfileException e = assertThrows(MalformedProfileException.class, () -> read("[main tid=1];a/B.c " + count));
            assertTrue(e.getMessage().startsWith("test.collapsed:1: the line does not end in a sample count"), e.getMessage());
        }
        for (String count : new String[] {"0", "-2"}) {
            MalformedProfileException e = assertThrows(MalformedProfileException.class, () -> read("[main tid=1];a/B.c " + count));
            assertEquals("test.collapsed:1: the sample count must be at least 1, got " + count, e.getMessage());
        }
    }

    @Test
    void refusesAProfileTakenWithoutThreads() {
        MalformedProfileException e = assertThrows(MalformedProfileException.class,
                () -> read("start_thread;io/zmtp/socket/Socket.receive 5"));
        assertTrue(e.getMessage().startsWith("test.collapsed:1: "), e.getMessage());
        assertTrue(e.getMessage().contains("'threads'"), e.getMessage());
    }
}
