package io.zmtp.socket;

/**
 * Something that happened to one of a socket's connections, for listeners registered with
 * {@link Socket#addEventListener}. Listeners run on the socket's event loop and must not block.
 *
 * @param type     what happened
 * @param endpoint the endpoint concerned
 * @param detail   a human-readable reason or address
 */
public record SocketEvent(Type type, String endpoint, String detail) {
    public enum Type {
        LISTENING, BIND_FAILED, ACCEPTED, CONNECTED, CONNECT_DELAYED, CONNECT_RETRIED, HANDSHAKE_SUCCEEDED,
        HANDSHAKE_FAILED_PROTOCOL, HANDSHAKE_FAILED_AUTH, HANDSHAKE_FAILED_NO_DETAIL, DISCONNECTED, CLOSED
    }
}
