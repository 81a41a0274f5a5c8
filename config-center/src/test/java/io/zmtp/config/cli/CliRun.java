package io.zmtp.config.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the {@code config-center} command in the test's JVM, with what it printed on standard
 * output and standard error. {@code command} is the command that ran as its messages name it
 * ({@code "config-center put"}; {@code "config-center"} with no arguments).
 */
record CliRun(int code, String out, String err, String command) {
    static CliRun of(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = ConfigCenterCommand.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    args.length == 0 ? "config-center" : "config-center " + args[0]);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /** The first line on standard error, or "" when there is none. */
    String firstErrorLine() {
        return err.lines().findFirst().orElse("");
    }
}
