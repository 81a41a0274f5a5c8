package io.zmtp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code zmtp} command line tool: ZeroMQ sockets from the shell. */
@Command(name = "zmtp", mixinStandardHelpOptions = true, version = "zmtp 0.1.0",
        description = "ZeroMQ (ZMTP 3.x) sockets from the command line.",
        subcommands = {CatCommand.class, ProxyCommand.class, KeygenCommand.class, picocli.CommandLine.HelpCommand.class})
public final class ZmtpCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new ZmtpCommand());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            line.getErr().println("zmtp: " + message);
            return ex instanceof CliFailure f ? f.exitCode : 1;
        });
        return cl.execute(args);
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
