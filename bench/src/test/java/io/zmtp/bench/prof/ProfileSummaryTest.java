package io.zmtp.bench.prof;

import io.zmtp.bench.CapturedOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thread-group tables of small hand-made profiles, end to end from the files. */
class ProfileSummaryTest {
    /** 30 samples: main 10, the event loop 10, GC 3, JIT 2, VM Thread 5. */
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
    void summarisesSamplesPerThreadGroup() throws IOException {
        Path p = file("a-local_thr.collapsed", PROFILE);
        List<String> lines = run("local_thr=" + p);

        assertEquals(List.of("#### local_thr", "", "`" + p + "`: 30 samples in 5 threads.", "",
                "| thread group | threads | samples | share |",
                "| --- | --- | ---: | ---: |",
                "| application | `main` | 10 | 33.3% |",
                "| event loop | `multiThreadIoEventLoopGroup-2-1` | 10 | 33.3% |",
                "| GC | `GC Thread#0` | 3 | 10.0% |",
                "| JIT compiler | `C2 CompilerThre` | 2 | 6.7% |",
                "| other | `VM Thread` | 5 | 16.7% |"), lines);
    }

    @Test
    void namesAFewThreadsOfAGroupAndCountsTheRest() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            text.append("[sub_thr subscriber ").append(i).append(" tid=").append(i).append("];a/B.c 1\n");
        }
        List<String> lines = run("s=" + file("s.collapsed", text.toString()));
        assertTrue(lines.contains("| application | `sub_thr subscriber 1`, `sub_thr subscriber 2`, `sub_thr subscriber 3`, "
                + "`sub_thr subscriber 4` and 2 more | 6 | 100.0% |"), lines.toString());
        assertTrue(lines.contains("| GC | — | 0 | 0.0% |"), lines.toString());
    }

    @Test
    void theSharesAddUp() throws IOException {
        // A larger profile from a fixed seed, on every kind of thread.
        String[] threads = {"[main tid=1]", "[inproc_thr sender tid=2]", "[multiThreadIoEventLoopGroup-2-1 tid=3]",
            "[GC Thread#0 tid=4]", "[C1 CompilerThre tid=5]", "[VM Thread tid=6]"};
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(threads[random.nextInt(threads.length)]).append(";start_thread;a/B.c ")
                    .append(1 + random.nextInt(997)).append('\n');
        }
        Tally t = Tally.of(CollapsedReader.read(file("big.collapsed", text.toString())));
        long byKind = 0;
        for (ThreadKind kind : ThreadKind.values()) {
            byKind += t.samples(kind);
        }
        assertEquals(t.total(), byKind);

        // The printed percentages agree, up to rounding to 0.1 each.
        List<String> lines = run(dir.resolve("big.collapsed").toString());
        double groups = 0;
        for (ThreadKind kind : ThreadKind.values()) {
            groups += share(lines, "| " + kind.label() + " |");
        }
        assertEquals(100.0, groups, 0.05 * ThreadKind.values().length, lines.toString());
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
        assertFalse(legend.stream().anyMatch(l -> l.startsWith("####")), legend.toString());
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
        for (String[] args : List.of(new String[0], new String[] {"--top", "1", "x"}, new String[] {"--bogus", "x"})) {
            assertThrows(ProfileSummary.UsageError.class, () -> run(args), String.join(" ", args));
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> run(dir.resolve("missing.collapsed").toString()));
    }

    private static final Pattern SHARE = Pattern.compile("(\\d+\\.\\d)% \\|$");

    private static double share(List<String> lines, String prefix) {
        String line = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " in " + lines));
        Matcher m = SHARE.matcher(line);
        assertTrue(m.find(), line);
        return Double.parseDouble(m.group(1));
    }
}
