package io.zmtp.bench.prof;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Thread names as the perf tools, Netty and HotSpot give them, seen in real profiles. */
class ThreadKindTest {
    @Test
    void groupsThreadsByName() {
        assertEquals(ThreadKind.APPLICATION, ThreadKind.of("main"));
        assertEquals(ThreadKind.APPLICATION, ThreadKind.of("inproc_thr sender"));
        assertEquals(ThreadKind.APPLICATION, ThreadKind.of("inproc_lat echo"));
        assertEquals(ThreadKind.APPLICATION, ThreadKind.of("sub_thr subscriber 10"));
        assertEquals(ThreadKind.EVENT_LOOP, ThreadKind.of("multiThreadIoEventLoopGroup-2-1"));
        assertEquals(ThreadKind.EVENT_LOOP, ThreadKind.of("nioEventLoopGroup-3-2"));
        assertEquals(ThreadKind.EVENT_LOOP, ThreadKind.of("epollEventLoopGroup-4-1"));
        assertEquals(ThreadKind.GC, ThreadKind.of("GC Thread#1"));
        assertEquals(ThreadKind.GC, ThreadKind.of("G1 Conc#0"));
        assertEquals(ThreadKind.JIT, ThreadKind.of("C2 CompilerThre"));
        assertEquals(ThreadKind.JIT, ThreadKind.of("C1 CompilerThread0"));
    }

    @Test
    void leavesTheRestToOther() {
        for (String name : new String[] {"VM Thread", "Service Thread", "globalEventExecutor-1-1", "tid=27028", "mainly", "Common-Cleaner"}) {
            assertEquals(ThreadKind.OTHER, ThreadKind.of(name), name);
        }
    }
}
