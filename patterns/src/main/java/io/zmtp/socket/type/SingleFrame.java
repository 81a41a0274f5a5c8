package io.zmtp.socket.type;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.Message;

/** The rule of RFC 41's thread-safe types: a message is exactly one frame. */
final class SingleFrame {
    private SingleFrame() {
    }

    /** Application thread: a send of more than one frame is refused (libzmq: EINVAL). */
    static void check(SocketType type, Message message) {
        if (message.size() != 1) {
            throw new IllegalArgumentException(type + ": a message has exactly one frame (got " + message.size()
                    + "); multipart messages are not allowed");
        }
    }

    /** Loop: false, after dropping it, for a received message of more than one frame. */
    static boolean keep(ZmtpMessage message) {
        if (message.size() == 1) {
            return true;
        }
        message.release();
        return false;
    }
}
