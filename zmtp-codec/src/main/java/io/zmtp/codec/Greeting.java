package io.zmtp.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 64-byte ZMTP 3.x greeting: signature ({@code FF}, 8 padding bytes, {@code 7F}), version,
 * mechanism name (20 bytes, NUL-padded) and the as-server byte, then filler.
 *
 * <p>libzmq sends it in three stages (10, 1 and 53 bytes) and waits for the peer between them;
 * {@link GreetingHandler} does the same. The padding, as-server byte and filler are never
 * validated: libzmq and JeroMQ put other values there.
 */
public final class Greeting {
    public static final int SIGNATURE_LENGTH = 10;
    public static final int LENGTH = 64;
    /** The greeting of ZMTP/1.0 (versioned) and 2.0: signature, revision, socket type octet. */
    public static final int LEGACY_LENGTH = 12;
    public static final int MECHANISM_OFFSET = 12;
    public static final int MECHANISM_LENGTH = 20;
    public static final int AS_SERVER_OFFSET = 32;

    private Greeting() {
    }

    /**
     * The first stage: {@code FF}, padding, {@code 7F}. Like libzmq we put the identity length + 1
     * in the padding, which a ZMTP 1.0 peer would read as the length of our identity frame.
     */
    public static void writeSignature(ByteBuf out, int identityLength) {
        out.writeByte(0xFF);
        out.writeLong(identityLength + 1L);
        out.writeByte(0x7F);
    }

    /** The last stage after the major version: minor, mechanism, as-server, filler (53 bytes). */
    public static void writeRest(ByteBuf out, ZmtpVersion version, String mechanism, boolean asServer) {
        out.writeByte(version.minor());
        out.writeBytes(mechanismBytes(mechanism));
        out.writeByte(asServer ? 1 : 0);
        out.writeZero(LENGTH - AS_SERVER_OFFSET - 1);
    }

    /** The 20-byte mechanism field for {@code name}: ASCII, NUL-padded. */
    public static byte[] mechanismBytes(String name) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length == 0 || ascii.length > MECHANISM_LENGTH) {
            throw new IllegalArgumentException("mechanism name must be 1..20 ASCII characters: '" + name + "'");
        }
        return Arrays.copyOf(ascii, MECHANISM_LENGTH);
    }

    /** The mechanism field of a received greeting, for messages: printable text, NULs trimmed. */
    public static String mechanismName(ByteBuf greeting, int offset) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < MECHANISM_LENGTH; i++) {
            int c = greeting.getUnsignedByte(offset + MECHANISM_OFFSET + i);
            if (c == 0) {
                continue;
            }
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }
}
