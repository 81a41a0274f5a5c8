package io.zmtp.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code zmtp}'s help and usage errors, in process: every subcommand answers {@code --help} with
 * its own usage and its exit codes, and a usage error is one line followed by the usage of the
 * command that failed (not the top level's).
 */
class ZmtpUsageTest {
    private record Result(int code, String out, String err) {
        String firstErrorLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static Result run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = ZmtpCommand.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    private static Set<String> subcommands() {
        return ZmtpCommand.commandLine().getSubcommands().keySet();
    }

    /** Exit 2; the first line names the command and says what is wrong; then that command's usage. */
    private static void assertUsageError(Result r, String command, String says) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.firstErrorLine()).startsWith(command + ": ").contains(says);
        assertThat(r.err()).contains("Usage: " + command + " ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void everySubcommandAnswersHelpWithItsOwnUsageAndExitCodes() {
        assertThat(subcommands()).contains("cat", "proxy", "keygen", "help");
        for (String name : subcommands()) {
            Result r = run(name, "--help");
            assertThat(r.code()).as(name + ": " + r.err()).isZero();
            assertThat(r.out()).as(name).containsPattern("(?m)^Usage: zmtp " + name + " ")
                    .doesNotContain("Usage: zmtp [").containsPattern("(?m)^Exit codes:$");
            assertThat(r.err()).as(name).isEmpty();
        }
        Result top = run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).startsWith("Usage: zmtp ").contains("Exit codes");
    }

    @Test
    void theExitCodeListsSayWhatEachCommandReturns() {
        assertThat(run("cat", "--help").out()).containsPattern("(?m)^ +0 +done")
                .containsPattern("(?m)^ +1 +failed").containsPattern("(?m)^ +2 +bad usage")
                .containsPattern("(?m)^ +3 +timed out");
        assertThat(run("proxy", "--help").out()).containsPattern("(?m)^ +1 +failed").containsPattern("(?m)^ +2 +bad usage")
                .containsPattern("(?m)^ *130 +stopped by Ctrl-C");
        assertThat(run("keygen", "--help").out()).containsPattern("(?m)^ +1 +failed: the --out files");
        assertThat(run("help", "--help").out()).containsPattern("(?m)^ +2 +no such command");
    }

    /**
     * What each subcommand needs besides options, so that a bad option is the only thing wrong. Not
     * {@code help}: picocli's help command shows help whatever else it is given, as any help request.
     */
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "cat", List.of("--type", "PULL"),
            "proxy", List.of("--frontend", "pull@tcp://127.0.0.1:*", "--backend", "push@tcp://127.0.0.1:*"),
            "keygen", List.of());

    @Test
    void aBadOptionOnASubcommandPrintsThatSubcommandsUsage() {
        Set<String> tried = new java.util.HashSet<>(subcommands());
        tried.remove("help");
        assertThat(REQUIRED.keySet()).as("every subcommand is tried").isEqualTo(tried);
        for (String name : tried) {
            List<String> args = new ArrayList<>(List.of(name, "--no-such-option"));
            args.addAll(REQUIRED.get(name));
            Result r = run(args.toArray(String[]::new));
            assertUsageError(r, "zmtp " + name, "Unknown option: '--no-such-option'");
            assertThat(r.err()).as(name).doesNotContain("Usage: zmtp [");
        }
    }

    @Test
    void checksMadeByTheCommandItselfAreUsageErrorsToo() {
        assertUsageError(run("cat", "--type", "PULL"), "zmtp cat", "give at least one --bind or --connect endpoint");
        assertUsageError(run("cat", "--type", "RADIO", "--connect", "tcp://127.0.0.1:1"), "zmtp cat", "needs --group");
        assertUsageError(run("cat", "--type", "NOPE", "--connect", "tcp://127.0.0.1:1"), "zmtp cat", "NOPE");
        assertUsageError(run("cat", "--type", "PUSH", "--connect", "tcp://127.0.0.1:1", "--format", "yaml"), "zmtp cat",
                "unknown format: YAML");
        assertUsageError(run("proxy", "--frontend", "pull:tcp://127.0.0.1:1", "--backend", "push@tcp://127.0.0.1:*"),
                "zmtp proxy", "TYPE@ENDPOINT");
    }

    @Test
    void aMissingOrUnknownSubcommandIsAUsageErrorWithTheTopLevelUsage() {
        assertUsageError(run(), "zmtp", "Missing required subcommand");
        Result unknown = run("kat");
        assertUsageError(unknown, "zmtp", "kat");
        assertThat(unknown.err()).containsPattern("Did you mean: .*cat");
    }

    @Test
    void anErrorMessageCannotForgeLines() {
        Result r = run("cat", "--type", "NOPE\u001b[2J\nFAKE", "--connect", "tcp://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(2);
        List<String> lines = r.err().lines().toList();
        assertThat(lines.get(0)).contains("\\u001b[2J\\nFAKE");
        assertThat(lines).noneMatch(l -> l.startsWith("FAKE"));
        assertThat(r.err()).doesNotContain("\u001b");
    }
}
