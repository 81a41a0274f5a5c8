package io.zmtp.codec.auth;

import java.util.List;

/**
 * What the server knows of a connecting peer, as in a ZAP request (RFC 27).
 *
 * @param domain      the ZAP domain configured on the server socket (may be empty)
 * @param address     the peer's IP address as text, e.g. {@code 127.0.0.1}
 * @param identity    the server socket's own routing id (what libzmq puts in this ZAP frame)
 * @param mechanism   {@code NULL}, {@code PLAIN} or {@code CURVE}
 * @param credentials NULL: none; PLAIN: username, password; CURVE: the client's public key
 */
public record AuthRequest(String domain, String address, byte[] identity, String mechanism,
                          List<byte[]> credentials) {
    public AuthRequest {
        identity = identity.clone();
        credentials = List.copyOf(credentials);
    }
}
