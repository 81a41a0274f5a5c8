package io.zmtp.codec;

import java.nio.charset.StandardCharsets;

/**
 * Text that came from the network (a user name, a routing id, a reason, a metadata value), made
 * safe to print in a log line or a table: a peer must not be able to forge lines, move the
 * cursor or clear a terminal, nor flood a line. Every character that is not plainly printable
 * (C0 and C1 controls with ESC and newlines, DEL, format and bidi controls, line and paragraph
 * separators, unassigned and private-use code points, unpaired surrogates) is shown escaped, as
 * {@code \n}, {@code \r}, {@code \t} or {@code \u001b}; a backslash is doubled so an escape in
 * the input cannot pass for one made here. The result is cut to a maximum length with an
 * ellipsis ({@code …}).
 */
public final class UntrustedText {
    /** Default most characters of a result. */
    public static final int DEFAULT_MAX = 200;
    private static final char ELLIPSIS = '\u2026';

    private UntrustedText() {
    }

    /** {@code text} escaped and cut to {@value #DEFAULT_MAX} characters; {@code null} becomes {@code (none)}. */
    public static String of(String text) {
        return of(text, DEFAULT_MAX);
    }

    /** UTF-8 bytes from the wire (malformed sequences show as U+FFFD), escaped and cut to {@value #DEFAULT_MAX}. */
    public static String of(byte[] utf8) {
        return utf8 == null ? of((String) null) : of(new String(utf8, StandardCharsets.UTF_8), DEFAULT_MAX);
    }

    /** {@code String.valueOf(value)} escaped and cut to {@value #DEFAULT_MAX}: for exceptions and addresses. */
    public static String of(Object value) {
        return of(value == null ? null : String.valueOf(value), DEFAULT_MAX);
    }

    /**
     * {@code text} escaped and cut to at most {@code max} characters (the last one an ellipsis
     * when cut); {@code null} becomes {@code (none)}.
     *
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public static String of(String text, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        if (text == null) {
            return max >= 6 ? "(none)" : String.valueOf(ELLIPSIS);
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int cp = c;
            int units = 1;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(i + 1));
                units = 2;
            }
            String piece = printable(cp) ? text.substring(i, i + units) : escape(text, i, units);
            boolean last = i + units >= text.length();
            // Room for the piece, and for an ellipsis after it unless it is the last one; so a cut
            // never splits an escape or a surrogate pair, and the ellipsis always fits.
            if (out.length() + piece.length() + (last ? 0 : 1) > max) {
                if (last && out.length() + piece.length() <= max) {
                    out.append(piece);
                    break;
                }
                out.append(ELLIPSIS);
                return out.toString();
            }
            out.append(piece);
            i += units;
        }
        return out.toString();
    }

    private static String escape(String text, int at, int units) {
        char c = text.charAt(at);
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            default:
                StringBuilder b = new StringBuilder(12);
                for (int k = 0; k < units; k++) {
                    b.append(String.format("\\u%04x", (int) text.charAt(at + k)));
                }
                return b.toString();
        }
    }

    /** True for a code point shown as it is. */
    private static boolean printable(int cp) {
        if (cp == '\\') {
            return false;
        }
        if (cp < 0x80) {
            return cp >= 0x20 && cp < 0x7f;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE:
                return false;
            case Character.SPACE_SEPARATOR:
                return cp == 0xa0;
            default:
                return true;
        }
    }
}
