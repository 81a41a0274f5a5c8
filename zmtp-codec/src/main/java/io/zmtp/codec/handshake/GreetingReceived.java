package io.zmtp.codec.handshake;

import io.zmtp.codec.ZmtpVersion;

/**
 * Fired by the greeting handler when the peer's 64-byte greeting has arrived and its mechanism
 * matches ours; the security handshake starts from here.
 *
 * @param peerVersion  the ZMTP revision the peer advertised
 * @param peerAsServer the peer's as-server bit (libzmq always sends 0; informational only)
 */
public record GreetingReceived(ZmtpVersion peerVersion, boolean peerAsServer) {
}
