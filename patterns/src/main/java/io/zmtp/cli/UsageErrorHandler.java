package io.zmtp.cli;

import io.zmtp.codec.UntrustedText;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * How the {@code zmtp} and {@code config-center} tools answer a usage error: one line that names
 * the command and what is wrong, picocli's guess when an option or subcommand looks misspelt, then
 * the usage of the command that failed (a subcommand's own, not the top level's), so the fix is on
 * the screen; exit 2. The message is escaped, as it may repeat an argument with control characters.
 */
public final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
    /** The longest message shown: an argument repeated in it could be any length. */
    private static final int MESSAGE_MAX = 1000;

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + UntrustedText.of(message, MESSAGE_MAX));
        UnmatchedArgumentException.printSuggestions(e, err);
        cmd.usage(err);
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
