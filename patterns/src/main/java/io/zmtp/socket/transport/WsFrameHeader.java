package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.ZmtpProtocolException;

/**
 * An RFC 6455 frame header (2 to 14 bytes) as it arrives: read straight from the buffer when the read
 * holds all of it, else byte by byte across reads until it is whole. It takes the fields apart and
 * checks the rules every frame header must keep whatever it carries ({@link #check}); what each
 * opcode may carry is {@link ZwsDecoder}'s to check.
 */
final class WsFrameHeader {
    static final int OP_CONTINUATION = 0;
    static final int OP_TEXT = 1;
    static final int OP_BINARY = 2;
    static final int OP_CLOSE = 8;
    static final int OP_PING = 9;
    static final int OP_PONG = 10;

    /** A header cut by the end of a read, while it arrives. */
    private final byte[] bytes = new byte[14];
    private int have;
    private int first;
    private int second;
    private long payloadLength;
    private int maskKey;

    /** Consumes header bytes from {@code in}; true once the header is whole (its fields then set). */
    boolean read(ByteBuf in) {
        if (have == 0 && in.readableBytes() >= 2) {
            int r = in.readerIndex();
            int two = in.getUnsignedShort(r);
            int length = length((byte) two);
            if (in.readableBytes() >= length) {
                first = two >>> 8;
                second = two & 0xff;
                int len7 = second & 0x7f;
                int at = r + 2;
                if (len7 == 126) {
                    payloadLength = in.getUnsignedShort(at);
                    at += 2;
                } else if (len7 == 127) {
                    payloadLength = in.getLong(at);
                    at += 8;
                } else {
                    payloadLength = len7;
                }
                if ((second & 0x80) != 0) {
                    maskKey = in.getInt(at);
                }
                in.skipBytes(length);
                return true;
            }
        }
        while (in.isReadable()) {
            bytes[have++] = in.readByte();
            if (have >= 2 && have == length(bytes[1])) {
                have = 0;
                first = bytes[0] & 0xff;
                second = bytes[1] & 0xff;
                int len7 = second & 0x7f;
                int at = 2;
                if (len7 == 126) {
                    payloadLength = ((bytes[2] & 0xffL) << 8) | (bytes[3] & 0xffL);
                    at = 4;
                } else if (len7 == 127) {
                    long v = 0;
                    for (int i = 2; i < 10; i++) {
                        v = (v << 8) | (bytes[i] & 0xffL);
                    }
                    payloadLength = v;
                    at = 10;
                } else {
                    payloadLength = len7;
                }
                if ((second & 0x80) != 0) {
                    maskKey = (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                            | (bytes[at + 3] & 0xff);
                }
                return true;
            }
        }
        return false;
    }

    /** True while a header cut by the end of a read waits for its rest. */
    boolean partial() {
        return have != 0;
    }

    /** The header's length, from its second byte (the 7-bit length and the mask bit). */
    private static int length(byte second) {
        int len7 = second & 0x7f;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((second & 0x80) != 0 ? 4 : 0);
    }

    /**
     * The whole header's rules (RFC 6455 5.1, 5.2): no reserved bit (no extension is agreed), a
     * client's frames masked and a server's not, a 64-bit length without its top bit.
     *
     * @param fromClient true when the peer is a client (this side is the server)
     */
    void check(boolean fromClient) {
        if ((first & 0x70) != 0) {
            throw new ZmtpProtocolException("WebSocket frame with reserved bits set (no extension was agreed)");
        }
        if (fromClient && !masked()) {
            throw new ZmtpProtocolException("a WebSocket client must mask its frames (RFC 6455 5.1)");
        }
        if (!fromClient && masked()) {
            throw new ZmtpProtocolException("a WebSocket server must not mask its frames (RFC 6455 5.1)");
        }
        if (payloadLength < 0) {
            throw new ZmtpProtocolException("WebSocket frame length has its most significant bit set");
        }
    }

    /** The final fragment of its message. */
    boolean fin() {
        return (first & 0x80) != 0;
    }

    int opcode() {
        return first & 0x0f;
    }

    boolean masked() {
        return (second & 0x80) != 0;
    }

    /** The payload's length; negative when a peer set the 64-bit length's top bit. */
    long payloadLength() {
        return payloadLength;
    }

    /** The mask key, its first byte the most significant (meaningful when the mask bit is set). */
    int maskKey() {
        return maskKey;
    }
}
