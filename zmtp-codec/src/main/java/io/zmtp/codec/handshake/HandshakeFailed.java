package io.zmtp.codec.handshake;

/**
 * Fired when a connection fails before or during the ZMTP handshake, just before the codec
 * closes it. The reason says whether retrying can help: libzmq reconnects after a timeout or a
 * lost connection, and never after a protocol, version, mechanism, socket-type or auth failure.
 */
public record HandshakeFailed(Reason reason, String detail) {
    public enum Reason {
        /** The peer speaks ZMTP 1.0 or 2.0. */
        VERSION,
        /** The peer's greeting names another security mechanism. */
        MECHANISM,
        /** The peer's Socket-Type cannot talk to ours. */
        SOCKET_TYPE,
        /** Authentication was refused, by us or by the peer (ERROR with a ZAP status). */
        AUTH,
        /** The peer broke the protocol (malformed or unexpected command, ERROR). */
        PROTOCOL,
        /** The handshake did not finish within the handshake interval. */
        TIMEOUT,
        /** The connection closed before the handshake finished. */
        CLOSED;

        /** True when libzmq would reconnect after this failure. */
        public boolean retryable() {
            return this == TIMEOUT || this == CLOSED;
        }
    }

    @Override
    public String toString() {
        return "HandshakeFailed[" + reason + ": " + detail + "]";
    }
}
