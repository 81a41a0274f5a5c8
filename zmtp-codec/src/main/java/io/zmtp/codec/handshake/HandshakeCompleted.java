package io.zmtp.codec.handshake;

import io.zmtp.codec.Metadata;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpVersion;

/**
 * Fired once per connection when the greeting and the security handshake are done and the peer's
 * socket type fits ours; from then on messages flow. The socket layer attaches the peer here.
 *
 * @param peerVersion    the ZMTP revision the peer advertised (decides the subscription form)
 * @param mechanism      the security mechanism both sides use
 * @param peerSocketType the peer's Socket-Type, or {@code null} when it sent none (libzmq accepts that)
 * @param peerIdentity   the peer's Identity property (possibly empty), or {@code null} when it sent none
 * @param peerMetadata   every property the peer sent
 * @param userId         who the authenticator said the peer is, or empty
 * @param authMetadata   properties the authenticator attached to the connection
 */
public record HandshakeCompleted(ZmtpVersion peerVersion, String mechanism, SocketType peerSocketType,
                                 byte[] peerIdentity, Metadata peerMetadata, String userId,
                                 Metadata authMetadata) {
    @Override
    public byte[] peerIdentity() {
        return peerIdentity == null ? null : peerIdentity.clone();
    }

    @Override
    public String toString() {
        return "HandshakeCompleted[ZMTP " + peerVersion + ", " + mechanism + ", peer " + peerSocketType
                + ", metadata " + peerMetadata + (userId.isEmpty() ? "" : ", user " + userId) + "]";
    }
}
