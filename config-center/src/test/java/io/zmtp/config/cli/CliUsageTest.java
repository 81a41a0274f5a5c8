package io.zmtp.config.cli;

import io.zmtp.config.protocol.Wire;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hostile-input finding G: {@code put --wait bogus} committed the revision and then failed on the
 * argument, and {@code --wait -3} was accepted. Every option is now checked before anything is
 * sent; a usage error exits 2 with one line followed by the usage of the command that failed; any
 * other error is one line, without "null", Jackson's source locations or a stack trace. Passwords
 * can come from a file.
 */
class CliUsageTest extends ServerTestBase {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private CliRun admin(String... args) {
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server=" + server.syncEndpoint();
        all[args.length + 1] = "--admin=ops";
        all[args.length + 2] = "--admin-password=adm";
        return run(all);
    }

    /**
     * A usage error: exit 2, a line on stderr that names the command and says what is wrong, then
     * that command's usage; nothing on stdout.
     */
    private static void assertUsageError(CliRun r, String says) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().toList();
        assertOneLine(lines.get(0), says);
        assertThat(lines.get(0)).startsWith(r.command() + ": ");
        assertThat(lines.subList(1, lines.size())).as(r.err()).anyMatch(l -> l.startsWith("Usage: " + r.command() + " "));
        assertThat(r.out()).isEmpty();
    }

    private static void assertOneLine(String err, String says) {
        assertThat(err.lines().count()).as(err).isEqualTo(1);
        assertThat(err).contains(says).doesNotContain("null").doesNotContain("\tat ").doesNotContain("[Source");
    }

    @Test
    void aBadWaitOrTimeoutIsAUsageErrorAndNothingIsCommitted() {
        assertUsageError(admin("put", "app/web", "a=1", "--wait", "bogus"), "--wait must be all, none or a number");
        assertUsageError(admin("put", "app/web", "a=1", "--wait", "-3"), "got '-3'");
        assertUsageError(admin("put", "app/web", "a=1", "--wait", "0"), "--wait");
        assertUsageError(admin("put", "app/web", "a=1", "--wait", "all", "--timeout", "-1s"), "--timeout must be above zero");
        assertUsageError(admin("put", "app/web", "a=1", "--wait", "all", "--timeout", "soon"), "not a duration");
        assertUsageError(admin("put", "app/web", "=1"), "expected key=value");
        assertUsageError(admin("put", "bad ns!", "a=1"), "namespace");
        assertUsageError(admin("put", "app/web", "a=1", "--request-timeout", "0s"), "--request-timeout");
        assertThat(store.latestRevision("app/web")).isZero();
        CliRun ok = admin("put", "app/web", "a=1", "--wait", "none");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(store.latestRevision("app/web")).isEqualTo(1);
    }

    @Test
    void otherBadOptionsAreUsageErrorsOfOneLine() {
        assertUsageError(admin("history", "app/web", "--limit", "0"), "--limit must be >= 1");
        assertUsageError(admin("history", "app/web", "--after", "-1"), "--after must be >= 0");
        assertUsageError(admin("get", "app/web", "--rev", "-1"), "--rev must be >= 0");
        assertUsageError(admin("diff", "app/web", "-1", "2"), ">= 0");
        assertUsageError(admin("rollback", "app/web", "-2"), ">= 0");
        assertUsageError(admin("status", "--bogus"), "--bogus");
        assertUsageError(admin("history", "app/web", "--limit", "many"), "--limit");
        assertUsageError(run("status", "--server=" + server.syncEndpoint(), "--curve-serverkey", "x"), "CURVE needs both");
        assertUsageError(run("server", "--data", dir.resolve("d2").toString(), "--whitelist", dir.resolve("none").toString()),
                "is not a readable file");
        assertUsageError(run("server", "--data", dir.resolve("d2").toString(), "--whitelist", "x", "--heartbeat", "0s"),
                "--heartbeat");
        assertUsageError(run("agent", "--node", "web-1", "--namespace", "app/web", "--password", "pw", "--format", "xml"),
                "--format must be json or properties");
        assertUsageError(run("demo", "--agents", "1"), "--agents must be at least 3");
        assertUsageError(run("demo", "--http", "http://127.0.0.1:8080"), "--http: the console's endpoint must be tcp://HOST:PORT");
        assertUsageError(run("demo", "--http", "tcp://127.0.0.1:99999"), "--http: the console's port is out of range");
    }

    @Test
    void anErrorFromTheServerIsOneLineAndExits1() {
        CliRun r = admin("get", "app/web", "--rev", "5");
        assertThat(r.code()).isEqualTo(1);
        assertOneLine(r.err(), "revision 5 of app/web is not kept");
    }

    @Test
    void passwordsComeFromAFileAndNotFromTwoPlaces() throws Exception {
        Path file = Files.writeString(dir.resolve("admin.pw"), "adm\n");
        CliRun ok = run("put", "app/web", "a=1", "--server=" + server.syncEndpoint(), "--admin=ops",
                "--admin-password-file", file.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(store.latestRevision("app/web")).isEqualTo(1);
        assertUsageError(run("status", "--server=" + server.syncEndpoint(), "--admin=ops", "--admin-password=adm",
                "--admin-password-file", file.toString()), "not both");
        assertUsageError(run("status", "--server=" + server.syncEndpoint(), "--admin-password-file",
                dir.resolve("missing.pw").toString()), "cannot be read");
        Path empty = Files.writeString(dir.resolve("empty.pw"), "\n");
        assertUsageError(run("status", "--server=" + server.syncEndpoint(), "--admin-password-file", empty.toString()),
                "is empty");
        assertUsageError(run("agent", "--node", "web-1", "--namespace", "app/web", "--password-file",
                dir.resolve("missing.pw").toString()), "--password-file");
    }

    @Test
    void grayOptionsAreCheckedBeforeAnythingIsSentAndEachGrayCommandHasHelp() {
        assertUsageError(admin("put", "app/web", "a=1", "--to", "zone"), "--to");
        assertUsageError(admin("put", "app/web", "a=1", "--to", "0"), "a count is at least 1");
        assertUsageError(admin("put", "app/web", "a=1", "--to", "150%"), "a share is 1% to 100%");
        assertUsageError(admin("delete", "app/web", "a", "--to", "zone=a,zone=b"), "given twice");
        assertUsageError(admin("promote", "bad ns!"), "namespace");
        assertUsageError(admin("abort", "app/web", "--wait", "bogus"), "--wait");
        assertThat(store.latestRevision("app/web")).isZero();
        for (String[] help : new String[][] {{"put", "--help"}, {"delete", "--help"}}) {
            CliRun r = run(help);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("--to=SELECTOR").contains("KEY=VALUE").contains("N%");
        }
        assertThat(run("promote", "--help").out()).contains("Make a namespace's open gray revision everyone's");
        assertThat(run("abort", "--help").out()).contains("Withdraw a namespace's open gray revision");
        assertThat(run("status", "--help").out()).contains("GRAY");
        // Refusals from the server: one line, exit 1.
        assertThat(admin("put", "app/web", "a=1").code()).isZero();
        CliRun none = admin("promote", "app/web");
        assertThat(none.code()).isEqualTo(1);
        assertOneLine(none.err(), "no-gray");
        CliRun nobody = admin("put", "app/web", "a=2", "--to", "zone=a");
        assertThat(nobody.code()).isEqualTo(1);
        assertOneLine(nobody.err(), "no-match");
    }

    @Test
    void aHeaderThatIsNotJsonIsRefusedInOneLineWithoutJacksonsSourceLocation() {
        assertThatThrownBy(() -> Wire.header("{\"a\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Wire.ProtocolException.class)
                .satisfies(e -> assertOneLine(e.getMessage(), "header is not valid JSON"));
    }
}
