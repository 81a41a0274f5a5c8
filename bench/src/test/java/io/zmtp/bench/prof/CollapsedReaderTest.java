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
    void readsThreadFramesAndCountWithSpacesInNamesAndFrames() throws IOException {
        List<Stack> stacks = read("""
                [C2 CompilerThre tid=25628];start_thread;void QuickSort::inner_sort<false, Method*, int (*)(Method*, Method*)> 3
                [main tid=1];io/zmtp/bench/perf/LocalThr.main;__x64_sys_futex_[k] 12
                """);
        assertEquals(2, stacks.size());
        assertEquals("C2 CompilerThre", stacks.get(0).thread());
        assertEquals(List.of("start_thread", "void QuickSort::inner_sort<false, Method*, int (*)(Method*, Method*)>"), stacks.get(0).frames());
        assertEquals(3, stacks.get(0).samples());
        assertEquals("main", stacks.get(1).thread());
        assertEquals("__x64_sys_futex_[k]", stacks.get(1).leaf());
        assertEquals(12, stacks.get(1).samples());
    }

    @Test
    void acceptsAThreadWithoutTidAndAStackWithOnlyTheThread() throws IOException {
        List<Stack> stacks = read("[sub_thr subscriber 2] 4\n");
        assertEquals("sub_thr subscriber 2", stacks.get(0).thread());
        assertEquals(List.of(), stacks.get(0).frames());
        assertEquals("(no frames)", stacks.get(0).leaf());
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

    @Test
    void refusesAnEmptyFrame() {
        MalformedProfileException e = assertThrows(MalformedProfileException.class, () -> read("[main tid=1];a/B.c;;d/E.f 2"));
        assertTrue(e.getMessage().contains("frame 2 is empty"), e.getMessage());
    }
}
