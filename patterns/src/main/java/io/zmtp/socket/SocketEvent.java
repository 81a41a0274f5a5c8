package io.zmtp.socket;

/**
 * Something that happened to one of a socket's connections, for listeners registered with
 * {@link Socket#addEventListener}, or as libzmq-format messages on a monitor PAIR socket
 * ({@link Socket#monitor}). Listeners run on the socket's event loop and must not block.
 *
 * @param type     what happened
 * @param endpoint the endpoint concerned
 * @param detail   a human-readable reason or address
 */
public record SocketEvent(Type type, String endpoint, String detail) {
    /** The event types, with libzmq's {@code ZMQ_EVENT_*} numbers (the monitor wire format uses them). */
    public enum Type {
        CONNECTED(0x0001), CONNECT_DELAYED(0x0002), CONNECT_RETRIED(0x0004), LISTENING(0x0008),
        BIND_FAILED(0x0010), ACCEPTED(0x0020), ACCEPT_FAILED(0x0040), CLOSED(0x0080), DISCONNECTED(0x0200),
        MONITOR_STOPPED(0x0400), HANDSHAKE_FAILED_NO_DETAIL(0x0800), HANDSHAKE_SUCCEEDED(0x1000),
        HANDSHAKE_FAILED_PROTOCOL(0x2000), HANDSHAKE_FAILED_AUTH(0x4000);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** libzmq's number for this event. */
        public int code() {
            return code;
        }

        /** The type with libzmq's number {@code code}; IllegalArgumentException for an unknown one. */
        public static Type ofCode(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no socket event has code 0x" + Integer.toHexString(code));
        }
    }

    /**
     * The number libzmq puts next to the event code: the retry interval in ms for CONNECT_RETRIED,
     * 0 otherwise (libzmq's file descriptors and errno values have no equivalent here).
     */
    public int value() {
        if (type == Type.CONNECT_RETRIED && detail.endsWith(" ms")) {
            try {
                return Integer.parseInt(detail.substring(0, detail.length() - 3).trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** An endpoint or address as an event's text: empty, never "null", when there is none. */
    public static String text(Object endpointOrAddress) {
        return endpointOrAddress == null ? "" : endpointOrAddress.toString();
    }
}
