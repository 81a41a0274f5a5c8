package io.zmtp.config.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config-center}'s help and usage errors, without a server: every subcommand answers
 * {@code --help} with its own usage and its exit codes, and a usage error is one line followed by
 * the usage of the command that failed (not the top level's).
 */
class CliHelpTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Set<String> subcommands() {
        return ConfigCenterCommand.commandLine().getSubcommands().keySet();
    }

    /**
     * What each subcommand needs besides options, so that a bad option is the only thing wrong (no
     * server is asked: parsing fails first).
     */
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("server", List.of("--whitelist", "whitelist.txt", "--data", "data")),
            Map.entry("agent", List.of("--node", "web-1", "--namespace", "app/web")),
            Map.entry("demo", List.of()),
            Map.entry("put", List.of("app/web", "a=1")),
            Map.entry("delete", List.of("app/web", "a")),
            Map.entry("get", List.of("app/web")),
            Map.entry("history", List.of("app/web")),
            Map.entry("diff", List.of("app/web", "1", "2")),
            Map.entry("rollback", List.of("app/web", "1")),
            Map.entry("status", List.of()),
            Map.entry("nodes", List.of()),
            Map.entry("audit", List.of()),
            Map.entry("promote", List.of("app/web")),
            Map.entry("abort", List.of("app/web")));

    @Test
    void everySubcommandAnswersHelpWithItsOwnUsageAndExitCodes() {
        assertThat(subcommands()).hasSize(REQUIRED.size());
        for (String name : subcommands()) {
            CliRun r = run(name, "--help");
            assertThat(r.code()).as(name + ": " + r.err()).isZero();
            assertThat(r.out()).as(name).startsWith("Usage: config-center " + name + " ")
                    .containsPattern("(?m)^Exit codes:$").containsPattern("(?m)^ +2 +bad usage");
            assertThat(r.err()).as(name).isEmpty();
        }
        CliRun top = run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).startsWith("Usage: config-center ").contains("Exit codes");
    }

    @Test
    void theExitCodeListsSayWhatEachCommandReallyReturns() {
        assertThat(run("server", "--help").out()).containsPattern("(?m)^ +1 +failed to start")
                .containsPattern("(?m)^ +70 +failed while serving").containsPattern("(?m)^ +130 +stopped by Ctrl-C");
        assertThat(run("agent", "--help").out()).containsPattern("(?m)^ +130 +stopped by Ctrl-C");
        assertThat(run("put", "--help").out()).containsPattern("(?m)^ +1 +failed: [^\n]*--wait did not reach its\\s+goal");
        assertThat(run("get", "--help").out()).containsPattern("(?m)^ +1 +failed, or KEY is not in the namespace");
        assertThat(run("status", "--help").out()).containsPattern("(?m)^ +0 +every node holds the latest revision");
        assertThat(run("demo", "--help").out()).containsPattern("(?m)^ +1 +not converged");
    }

    @Test
    void aBadOptionOnASubcommandPrintsThatSubcommandsUsage() {
        assertThat(REQUIRED.keySet()).as("every subcommand is tried").isEqualTo(subcommands());
        for (String name : subcommands()) {
            List<String> args = new ArrayList<>(List.of(name, "--no-such-option"));
            args.addAll(REQUIRED.get(name));
            CliRun r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(name + ": " + r.err()).isEqualTo(2);
            assertThat(r.firstErrorLine()).isEqualTo("config-center " + name + ": Unknown option: '--no-such-option'");
            assertThat(r.err()).as(name).contains("\nUsage: config-center " + name + " ")
                    .doesNotContain("Usage: config-center [");
            assertThat(r.out()).as(name).isEmpty();
        }
    }

    @Test
    void anAgentNamespaceThatCannotBeAFileInTheWriteDirIsAUsageError(@TempDir Path dir) {
        CliRun r = run("agent", "--node", "web-1", "--password", "pw", "--namespace", "app/web", "--namespace", "app//db",
                "--write-dir", dir.toString(), "--server", "tcp://127.0.0.1:1", "--updates", "tcp://127.0.0.1:2");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.firstErrorLine()).startsWith("config-center agent: --write-dir: namespace 'app//db' has an empty segment");
        assertThat(r.err()).contains("\nUsage: config-center agent ");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aMissingOrUnknownSubcommandIsAUsageErrorWithTheTopLevelUsage() {
        CliRun none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.firstErrorLine()).isEqualTo("config-center: Missing required subcommand");
        assertThat(none.err()).contains("\nUsage: config-center [");
        CliRun unknown = run("stauts");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.firstErrorLine()).startsWith("config-center: ").contains("stauts");
        assertThat(unknown.err()).containsPattern("Did you mean: .*status").contains("\nUsage: config-center [");
    }
}
