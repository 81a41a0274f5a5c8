package io.zmtp.config.cli;

/**
 * The lines the commands' "Exit codes" lists share (picocli's {@code exitCodeList}, KEY:TEXT), so
 * that the same code is told the same way everywhere. Each command lists only what it returns:
 * a usage error is 2 and an error that escapes a command is 1 ({@link ConfigCenterCommand#run}).
 */
final class ExitCodes {
    static final String HEADING = "%nExit codes:%n";
    static final String PRINTED = "0:done";
    static final String COMMITTED = "0:committed";
    static final String FAILED = "1:failed: refused by the server, or no answer within --request-timeout";
    static final String USAGE = "2:bad usage: nothing was sent";
    static final String WAITED = "1:failed: refused by the server, no answer, or --wait did not reach its goal"
            + " (timed out, or nodes failed the revision)";
    static final String COMMITTED_AND_WAITED = "0:committed, and with --wait applied by that many nodes";
    static final String START_FAILED = "1:failed to start (an endpoint or a file that cannot be used, say)";
    static final String NOT_STARTED = "2:bad usage: nothing was started";
    static final String STOPPED = "130:stopped by Ctrl-C (143: by SIGTERM)";

    private ExitCodes() {
    }
}
