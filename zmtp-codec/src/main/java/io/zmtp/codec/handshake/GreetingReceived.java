package io.zmtp.codec.handshake;

import io.zmtp.codec.ZmtpVersion;

/**
 * Fired by the greeting handler when the peer's greeting has arrived: for ZMTP 3.x the 64-byte
 * greeting with a mechanism matching ours (the security handshake starts from here); for a legacy
 * peer the 12-byte ZMTP/1.0-2.0 greeting, or the first byte of an unversioned ZMTP/1.0 stream
 * (the identity frames are exchanged from here).
 *
 * @param peerVersion    the ZMTP revision the peer advertised
 * @param peerAsServer   the peer's as-server bit (libzmq always sends 0; informational only)
 * @param peerSocketType the socket type octet of a ZMTP/2.0 greeting, else -1
 * @param unversioned    the peer sent no greeting at all (ZMTP/1.0 as 0MQ 2.x speaks it): our
 *                       signature already was the header of our identity frame
 */
public record GreetingReceived(ZmtpVersion peerVersion, boolean peerAsServer, int peerSocketType,
                               boolean unversioned) {
    /** A ZMTP 3.x greeting. */
    public GreetingReceived(ZmtpVersion peerVersion, boolean peerAsServer) {
        this(peerVersion, peerAsServer, -1, false);
    }
}
