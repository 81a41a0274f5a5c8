package io.zmtp.bench.prof;

/**
 * A line of a collapsed profile that is not {@code [thread];frame;...;frame count}. The message
 * names the file and the line, so that a truncated or foreign file is easy to find.
 */
final class MalformedProfileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MalformedProfileException(String source, long line, String why) {
        super(source + ":" + line + ": " + why);
    }
}
