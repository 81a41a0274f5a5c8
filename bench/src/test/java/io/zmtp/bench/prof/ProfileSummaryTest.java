package io.zmtp.bench.prof;

import io.zmtp.bench.CapturedOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Markdown summary of small hand-made profiles, end to end from the files. */
class ProfileSummaryTest {
    /** 30 samples: main 10 (futex 3, ours 5, JDK 2), the event loop 10 (codec 6, read 4), GC 3, JIT 2, VM Thread 5. */
    private static final String PROFILE = """
            [main tid=1];io/zmtp/bench/perf/LocalThr.main;io/zmtp/socket/Socket.receive;__futex_abstimed_wait_common;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_futex_[k] 3
            [main tid=1];io/zmtp/bench/perf/LocalThr.main;io/zmtp/socket/Socket.receive 5
            [main tid=1];io/zmtp/bench/perf/LocalThr.main;java/util/ArrayDeque.poll 2
            [multiThreadIoEventLoopGroup-2-1 tid=7];io/netty/channel/nio/NioIoHandler.run;io/zmtp/codec/FrameDecoder.decode 6
            [multiThreadIoEventLoopGroup-2-1 tid=7];io/netty/channel/nio/NioIoHandler.run;__GI_read;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ksys_read_[k] 4
            [GC Thread#0 tid=3];start_thread;G1ParScanThreadState::trim_queue 3
            [C2 CompilerThre tid=4];start_thread;C2Compiler::compile_method 2
            [VM Thread tid=5];start_thread;VMThread::run 5
            """;

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static List<String> run(String... args) throws IOException {
        CapturedOutput captured = new CapturedOutput();
        ProfileSummary.run(args, captured.out);
        return captured.lines();
    }

    @Test
    void summarisesThreadGroupsCategoriesAndLeaves() throws IOException {
        Path p = file("a-local_thr.collapsed", PROFILE);
        List<String> lines = run("local_thr=" + p);

        assertEquals("#### local_thr", lines.get(0));
        assertTrue(lines.contains("`" + p + "`: 30 samples in 5 threads."), lines.toString());
        assertTrue(lines.contains("| application | `main` | 10 | 33.3% |"), lines.toString());
        assertTrue(lines.contains("| event loop | `multiThreadIoEventLoopGroup-2-1` | 10 | 33.3% |"), lines.toString());
        assertTrue(lines.contains("| GC | `GC Thread#0` | 3 | 10.0% |"), lines.toString());
        assertTrue(lines.contains("| JIT compiler | `C2 CompilerThre` | 2 | 6.7% |"), lines.toString());
        assertTrue(lines.contains("| other | `VM Thread` | 5 | 16.7% |"), lines.toString());

        assertTrue(lines.contains("| kernel: futex | 30.0% (3) | 0.0% (0) |"), lines.toString());
        assertTrue(lines.contains("| kernel: read/readv/recvfrom/recvmsg | 0.0% (0) | 40.0% (4) |"), lines.toString());
        assertTrue(lines.contains("| ours: io.zmtp.codec | 0.0% (0) | 60.0% (6) |"), lines.toString());
        assertTrue(lines.contains("| ours: io.zmtp.socket | 50.0% (5) | 0.0% (0) |"), lines.toString());
        assertTrue(lines.contains("| JDK: java, javax, jdk, sun | 20.0% (2) | 0.0% (0) |"), lines.toString());
        assertTrue(lines.contains("| all | 100.0% (10) | 100.0% (10) |"), lines.toString());
        // Categories nobody has are left out.
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("| kernel: page faults")), lines.toString());

        assertTrue(lines.contains("| 1 | `io/zmtp/socket/Socket.receive` | 5 | 50.0% | `io/zmtp/codec/FrameDecoder.decode` | 6 | 60.0% |"), lines.toString());
        assertTrue(lines.contains("| 2 | `__x64_sys_futex_[k]` | 3 | 30.0% | `ksys_read_[k]` | 4 | 40.0% |"), lines.toString());
        assertTrue(lines.contains("| 3 | `java/util/ArrayDeque.poll` | 2 | 20.0% |  |  |  |"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("| 4 |")), lines.toString());
    }

    @Test
    void saysWhichGroupsAndCategoriesAreLargest() throws IOException {
        List<String> lines = run("local_thr=" + file("a-local_thr.collapsed", PROFILE));
        // Equal groups keep the order of the legend; each busy group names its largest category.
        assertTrue(lines.contains("Largest: application 33.3%, event loop 33.3%, other 16.7%, GC 10.0%, JIT compiler 6.7%"
                + " of the samples; application: ours: io.zmtp.socket 50.0%; event loop: ours: io.zmtp.codec 60.0%."), lines::toString);
    }

    @Test
    void theSharesOfEveryTableAddUp() throws IOException {
        // A larger profile from a fixed seed: stacks of every shape, on every kind of thread.
        String[] threads = {"[main tid=1]", "[inproc_thr sender tid=2]", "[multiThreadIoEventLoopGroup-2-1 tid=3]",
            "[GC Thread#0 tid=4]", "[C1 CompilerThre tid=5]", "[VM Thread tid=6]"};
        String[] stacks = {"io/zmtp/codec/FrameDecoder.decode", "io/zmtp/socket/Socket.receive", "io/netty/buffer/PoolArena.allocate",
            "java/util/ArrayDeque.poll", "sun/nio/ch/EventFD.set0;__GI_write;entry_SYSCALL_64_after_hwframe_[k];ksys_write_[k];eventfd_write_[k]",
            "asm_exc_page_fault_[k];clear_page_erms_[k]", "jdk/internal/misc/Unsafe.park;Parker::park", "OptoRuntime::new_array_C",
            "Thread::call_run", "io/zmtp/bench/perf/RemoteThr.run"};
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(threads[random.nextInt(threads.length)]).append(";start_thread;")
                    .append(stacks[random.nextInt(stacks.length)]).append(' ').append(1 + random.nextInt(997)).append('\n');
        }
        Tally t = Tally.of(CollapsedReader.read(file("big.collapsed", text.toString())));

        long byKind = 0;
        for (ThreadKind kind : ThreadKind.values()) {
            byKind += t.samples(kind);
            long byCategory = 0;
            for (Category c : Category.values()) {
                byCategory += t.samples(kind, c);
            }
            assertEquals(t.samples(kind), byCategory, kind.label());
        }
        assertEquals(t.total(), byKind);
        assertTrue(t.samples(ThreadKind.APPLICATION) > 0 && t.samples(ThreadKind.EVENT_LOOP) > 0);

        // The printed percentages agree, up to rounding to 0.1 each.
        List<String> lines = run(dir.resolve("big.collapsed").toString());
        double groups = 0;
        for (ThreadKind kind : ThreadKind.values()) {
            groups += lastShare(lines, "| " + kind.label() + " |");
        }
        assertEquals(100.0, groups, 0.05 * ThreadKind.values().length, lines.toString());
        for (int column = 0; column < MarkdownReport.BUSY.size(); column++) {
            double sum = 0;
            for (String line : lines) {
                if (line.startsWith("| kernel") || line.startsWith("| ours") || line.startsWith("| JDK")
                        || line.startsWith("| Netty") || line.startsWith("| GC/") || line.startsWith("| perf tool")
                        || line.startsWith("| JVM/native") || line.startsWith("| class loading") || line.startsWith("| other Java")) {
                    sum += shares(line).get(column);
                }
            }
            assertEquals(100.0, sum, 0.05 * Category.values().length, "column " + column + ": " + lines);
        }
    }

    @Test
    void labelsDefaultToTheFileNameAndTheLegendCanComeAlone() throws IOException {
        Path p = file("e1-local_thr.collapsed", PROFILE);
        assertEquals("#### e1-local_thr.collapsed", run(p.toString()).get(0));

        List<String> legend = run("--legend");
        assertEquals("Thread groups, by thread name:", legend.get(0));
        for (ThreadKind kind : ThreadKind.values()) {
            assertTrue(legend.stream().anyMatch(l -> l.startsWith("- " + kind.label() + ": ")), kind.label());
        }
        assertTrue(legend.stream().anyMatch(l -> l.startsWith("6. else JVM/native code")), legend.toString());
        assertFalse(legend.stream().anyMatch(l -> l.startsWith("####")), legend.toString());
    }

    @Test
    void topLimitsTheLeafTable() throws IOException {
        List<String> lines = run("--top", "1", file("p.collapsed", PROFILE).toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("| 1 |")), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("| 2 |")), lines.toString());
    }

    @Test
    void anEmptyProfileSaysSo() throws IOException {
        Path p = file("empty.collapsed", "");
        assertEquals(List.of("#### empty", "", "`" + p + "`: no samples (the profile is empty)."), run("empty=" + p).subList(0, 3));
    }

    @Test
    void aMalformedFileFailsWithItsNameAndLineAndPrintsNothingOfItself() throws IOException {
        Path good = file("good.collapsed", PROFILE);
        Path bad = file("bad.collapsed", "[main tid=1];a/B.c 1\n[main tid=1];a/B.c one\n");
        CapturedOutput captured = new CapturedOutput();
        MalformedProfileException e = assertThrows(MalformedProfileException.class,
                () -> ProfileSummary.run(new String[] {"good=" + good, "bad=" + bad}, captured.out));
        assertEquals(bad + ":2: the line does not end in a sample count ('<frames> <count>'): '[main tid=1];a/B.c one'", e.getMessage());
        assertTrue(captured.lines().contains("#### good"));
        assertFalse(captured.lines().contains("#### bad"));
    }

    @Test
    void refusesBadArguments() {
        for (String[] args : List.of(new String[0], new String[] {"--top"}, new String[] {"--top", "0", "x"},
                new String[] {"--top", "ten", "x"}, new String[] {"--bogus", "x"})) {
            assertThrows(ProfileSummary.UsageError.class, () -> run(args), String.join(" ", args));
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> run(dir.resolve("missing.collapsed").toString()));
    }

    private static final Pattern SHARE = Pattern.compile("(\\d+\\.\\d)%");

    private static List<Double> shares(String line) {
        List<Double> found = new ArrayList<>();
        Matcher m = SHARE.matcher(line);
        while (m.find()) {
            found.add(Double.parseDouble(m.group(1)));
        }
        return found;
    }

    private static double lastShare(List<String> lines, String prefix) {
        String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " in " + lines));
        List<Double> s = shares(line);
        return s.get(s.size() - 1);
    }
}
