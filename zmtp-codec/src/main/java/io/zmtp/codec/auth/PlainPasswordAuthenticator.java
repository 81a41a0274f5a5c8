package io.zmtp.codec.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Admits PLAIN clients whose username and password are in a fixed table; the user id is the
 * username. Anything that is not PLAIN is denied.
 */
public final class PlainPasswordAuthenticator implements Authenticator {
    private final Map<String, byte[]> passwords = new HashMap<>();

    public PlainPasswordAuthenticator(Map<String, String> usernameToPassword) {
        usernameToPassword.forEach((user, password) ->
                passwords.put(user, password.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        if (!"PLAIN".equals(request.mechanism()) || request.credentials().size() != 2) {
            return CompletableFuture.completedFuture(AuthResult.denied("PLAIN credentials required"));
        }
        String user = new String(request.credentials().get(0), StandardCharsets.UTF_8);
        byte[] expected = passwords.get(user);
        boolean ok = expected != null && MessageDigest.isEqual(expected, request.credentials().get(1));
        return CompletableFuture.completedFuture(ok ? AuthResult.ok(user) : AuthResult.denied("invalid username or password"));
    }
}
