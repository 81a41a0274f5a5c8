package io.zmtp.bench.prof;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads async-profiler's collapsed output ({@code collapsed} with {@code threads}): one stack
 * per line, {@code [name tid=N];frame;...;leaf count}, frames separated by {@code ;}, the count
 * after the last space (frames and thread names may hold spaces themselves). Only the thread and
 * the count are kept. Blank lines are skipped; anything else that does not fit is refused with
 * its line number rather than guessed at, because a silently skipped line would skew every share.
 */
final class CollapsedReader {
    /** {@code [main tid=1234]}; the tid part is optional. */
    private static final Pattern THREAD = Pattern.compile("\\[(.*?)(?: tid=\\d+)?]");

    private CollapsedReader() {
    }

    static List<Stack> read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(file.toString(), in);
        }
    }

    /** Reads every line of {@code in}; {@code source} names it in error messages. */
    static List<Stack> read(String source, Reader in) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<Stack> stacks = new ArrayList<>();
        long number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (!line.isBlank()) {
                stacks.add(parse(source, number, line.strip()));
            }
        }
        return stacks;
    }

    static Stack parse(String source, long number, String line) {
        int space = line.lastIndexOf(' ');
        Long count = space < 0 ? null : wholeNumber(line.substring(space + 1));
        if (count == null) {
            throw new MalformedProfileException(source, number, "the line does not end in a sample count ('<frames> <count>'): '"
                    + shorten(line) + "'");
        }
        if (count < 1) {
            throw new MalformedProfileException(source, number, "the sample count must be at least 1, got " + count);
        }
        String stack = line.substring(0, space);
        int semicolon = stack.indexOf(';');
        String first = semicolon < 0 ? stack : stack.substring(0, semicolon);
        Matcher thread = THREAD.matcher(first);
        if (!thread.matches()) {
            throw new MalformedProfileException(source, number, "the first frame '" + shorten(first)
                    + "' is not a thread ('[name tid=N]'); profile with async-profiler's 'threads' option");
        }
        return new Stack(thread.group(1), count);
    }

    private static Long wholeNumber(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
