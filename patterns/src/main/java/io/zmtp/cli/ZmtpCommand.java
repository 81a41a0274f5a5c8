package io.zmtp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code zmtp} command line tool: ZeroMQ sockets from the shell. Without a subcommand it is a
 * usage error (exit 2), as a usage error of any subcommand is: one line, then that command's usage.
 */
@Command(name = "zmtp", mixinStandardHelpOptions = true, version = "zmtp 0.1.0",
        description = "ZeroMQ (ZMTP 3.x) sockets from the command line.",
        subcommands = {CatCommand.class, ProxyCommand.class, KeygenCommand.class, picocli.CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes (each command's --help tells its own):%n",
        exitCodeList = {"0:done", "1:failed", "2:bad usage", "3:timed out (cat --timeout)"})
public final class ZmtpCommand {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The tool's command tree, with its error handlers (for {@link #run} and for tests that walk it). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ZmtpCommand());
        Map<String, String> helpExits = new LinkedHashMap<>();
        helpExits.put("0", "usage shown");
        helpExits.put("2", "no such command");
        cl.getSubcommands().get("help").getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n").exitCodeList(helpExits);
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            line.getErr().println("zmtp: " + message);
            return ex instanceof CliFailure f ? f.exitCode : 1;
        });
        return cl;
    }

    /** A failure the tool reports in one line with a specific exit code. */
    static final class CliFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        CliFailure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
