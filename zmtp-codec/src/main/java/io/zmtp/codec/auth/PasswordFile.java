package io.zmtp.codec.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PLAIN password file, as czmq's zauth reads: one {@code username=password} per line, blank
 * lines and {@code #} comments ignored. Loads into a {@link PlainPasswordAuthenticator}.
 */
public final class PasswordFile {
    private PasswordFile() {
    }

    public static PlainPasswordAuthenticator load(Path file) throws IOException {
        return new PlainPasswordAuthenticator(parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString()));
    }

    static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> users = new LinkedHashMap<>();
        int n = 0;
        for (String line : lines) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(source + ":" + n + ": expected username=password");
            }
            if (users.put(t.substring(0, eq).strip(), t.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(source + ":" + n + ": user '" + t.substring(0, eq).strip() + "' is listed twice");
            }
        }
        return users;
    }
}
