package io.zmtp.codec.auth;

import io.zmtp.codec.Metadata;

/**
 * The answer to an {@link AuthRequest}, as in a ZAP reply (RFC 27).
 *
 * @param statusCode 200 (allowed), 300 (temporary failure), 400 (denied) or 500 (internal error)
 * @param statusText a human-readable reason
 * @param userId     who the peer is, when allowed; becomes the connection's {@code User-Id}
 * @param metadata   properties to attach to the connection, when allowed
 */
public record AuthResult(int statusCode, String statusText, String userId, Metadata metadata) {
    public AuthResult {
        if (statusCode != 200 && statusCode != 300 && statusCode != 400 && statusCode != 500) {
            throw new IllegalArgumentException("ZAP status code must be 200, 300, 400 or 500: " + statusCode);
        }
        if (statusText == null || userId == null || metadata == null) {
            throw new IllegalArgumentException("AuthResult fields may not be null");
        }
    }

    public static AuthResult ok(String userId) {
        return new AuthResult(200, "OK", userId, Metadata.empty());
    }

    public static AuthResult denied(String why) {
        return new AuthResult(400, why, "", Metadata.empty());
    }

    public boolean allowed() {
        return statusCode == 200;
    }
}
