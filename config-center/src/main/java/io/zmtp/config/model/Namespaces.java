package io.zmtp.config.model;

/**
 * Validation of namespace names. Names travel on the wire and may become directory or topic names
 * on agents, so they are restricted to a small portable alphabet: 1..200 characters of
 * {@code [A-Za-z0-9._/-]}, not starting with {@code '/'} and never containing {@code ".."}.
 */
public final class Namespaces {
    /** The longest allowed namespace name, in characters. */
    public static final int MAX_LENGTH = 200;

    private Namespaces() {
    }

    /**
     * Returns {@code namespace} unchanged when it is a valid name.
     *
     * @throws IllegalArgumentException naming the rule that the name breaks
     */
    public static String validate(String namespace) {
        String problem = problem(namespace);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return namespace;
    }

    /** Whether {@code namespace} is a valid name; never throws. */
    public static boolean isValid(String namespace) {
        return problem(namespace) == null;
    }

    private static String problem(String ns) {
        if (ns == null) {
            return "namespace is null";
        }
        if (ns.isEmpty()) {
            return "namespace is empty";
        }
        if (ns.length() > MAX_LENGTH) {
            return "namespace is " + ns.length() + " characters long, at most " + MAX_LENGTH + " allowed";
        }
        for (int i = 0; i < ns.length(); i++) {
            char c = ns.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '/' || c == '-';
            if (!ok) {
                return String.format("namespace '%s' has character U+%04X at index %d; only A-Z a-z 0-9 . _ / - are allowed",
                        printable(ns), (int) c, i);
            }
        }
        if (ns.charAt(0) == '/') {
            return "namespace '" + ns + "' must not start with '/'";
        }
        if (ns.contains("..")) {
            return "namespace '" + ns + "' must not contain '..'";
        }
        return null;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(MAX_LENGTH).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                b.append('?');
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
