package io.zmtp.codec.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a peer may connect, shaped after ZAP (RFC 27): the server side of a mechanism
 * hands over what it knows of the peer and gets a status code back. The answer may come later (a
 * database, a ZAP handler on another socket); the handshake waits for it, bounded by the handshake
 * timeout.
 */
@FunctionalInterface
public interface Authenticator {
    CompletionStage<AuthResult> authenticate(AuthRequest request);

    /** Accepts every peer, with an empty user id. */
    static Authenticator allowAll() {
        return request -> CompletableFuture.completedFuture(AuthResult.ok(""));
    }
}
