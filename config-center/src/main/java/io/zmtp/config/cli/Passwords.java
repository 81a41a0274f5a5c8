package io.zmtp.config.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a password comes from: a file (its first line), an environment variable, or the command
 * line. A password on the command line is visible to everyone who can list processes, so the
 * file and the variable exist; the flag stays for scripts that use it.
 */
final class Passwords {
    /** A password file longer than this is not a password file. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private Passwords() {
    }

    /**
     * The password from {@code flagValue} or {@code file} (at most one of them may be given), else
     * from the environment variable {@code env}; null when none is set.
     *
     * @throws picocli.CommandLine.ParameterException when both are given or the file cannot be read
     */
    static String resolve(CommandSpec spec, String flag, String flagValue, String fileFlag, Path file, String env) {
        if (flagValue != null && file != null) {
            throw Arguments.usage(spec, "give " + flag + " or " + fileFlag + ", not both");
        }
        if (file != null) {
            return read(spec, fileFlag, file);
        }
        if (flagValue != null) {
            return flagValue;
        }
        String fromEnv = System.getenv(env);
        return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
    }

    private static String read(CommandSpec spec, String fileFlag, Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw Arguments.usage(spec, fileFlag + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw Arguments.usage(spec, fileFlag + " " + file + ": the first line (the password) is empty");
            }
            return line;
        } catch (java.nio.file.NoSuchFileException e) {
            throw Arguments.usage(spec, fileFlag + " " + file + " cannot be read: no such file");
        } catch (IOException e) {
            throw Arguments.usage(spec, fileFlag + " " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
