package io.zmtp.codec.auth;

import io.zmtp.codec.curve.CurveKeyPair;
import io.zmtp.codec.curve.Z85;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Admits CURVE clients whose long-term public key is in a set: given directly (Z85), or read from
 * a directory of certificate files as czmq writes them ({@code public-key = "Z85..."}, one client
 * per file, secret parts ignored). The user id is the key in Z85, or the file's name without
 * extension for keys read from a directory. Anything that is not CURVE is denied.
 */
public final class CurveKeyAuthenticator implements Authenticator {
    private static final Pattern PUBLIC_KEY = Pattern.compile("^\\s*public-key\\s*=\\s*\"([^\"]{40})\"", Pattern.MULTILINE);

    /** Z85 key -> user id. */
    private final Map<String, String> keys;

    private CurveKeyAuthenticator(Map<String, String> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** Admits exactly these keys (40-character Z85 each); the user id is the key. */
    public static CurveKeyAuthenticator of(Iterable<String> z85Keys) {
        Map<String, String> keys = new HashMap<>();
        for (String k : z85Keys) {
            String key = Z85.encode(CurveKeyPair.decodeKey(k));
            keys.put(key, key);
        }
        return new CurveKeyAuthenticator(keys);
    }

    /** Admits the public keys of the certificate files in {@code dir}; a file without one is an error. */
    public static CurveKeyAuthenticator fromDirectory(Path dir) throws IOException {
        Map<String, String> keys = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!Files.isRegularFile(f) || f.getFileName().toString().startsWith(".")) {
                    continue;
                }
                Matcher m = PUBLIC_KEY.matcher(Files.readString(f, StandardCharsets.UTF_8));
                if (!m.find()) {
                    throw new IllegalArgumentException(f + ": no line 'public-key = \"<40 Z85 characters>\"'");
                }
                String key = Z85.encode(CurveKeyPair.decodeKey(m.group(1)));
                String name = f.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                keys.put(key, name);
            }
        }
        return new CurveKeyAuthenticator(keys);
    }

    /** How many keys are admitted. */
    public int size() {
        return keys.size();
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        if (!"CURVE".equals(request.mechanism()) || request.credentials().size() != 1
                || request.credentials().get(0).length != 32) {
            return CompletableFuture.completedFuture(AuthResult.denied("CURVE client key required"));
        }
        String key = Z85.encode(request.credentials().get(0));
        String user = keys.get(key);
        return CompletableFuture.completedFuture(user == null
                ? AuthResult.denied("client key " + key + " is not allowed") : AuthResult.ok(user));
    }
}
