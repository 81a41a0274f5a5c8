package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;

/**
 * An RFC 6455 frame header (2 to 14 bytes) as it arrives: read straight from the buffer when the read
 * holds all of it, else byte by byte across reads until it is whole. It only takes the fields apart;
 * what they may hold is {@link ZwsDecoder}'s to check.
 */
final class WsFrameHeader {
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

    /** FIN, the reserved bits and the opcode. */
    int first() {
        return first;
    }

    /** The mask bit and the 7-bit length. */
    int second() {
        return second;
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
