package io.zmtp.bench.fleet;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs of the fleet tools, with a clear error for a missing or malformed one. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    static Args parse(String[] args) {
        Args a = new Args();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            a.values.put(args[i].substring(2), args[i + 1]);
        }
        return a;
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    String get(String name, String orElse) {
        return values.getOrDefault(name, orElse);
    }

    int integer(String name, int orElse) {
        String v = values.get(name);
        try {
            return v == null ? orElse : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
        }
    }
}
