package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A ZMTP command: the body of a frame with the COMMAND flag, {@code name-length name data}
 * (RFC 23's grammar; the NUL separator and padded names in older RFC prose are not used by anyone).
 * Implementations are small immutable values; mechanisms add their own.
 */
public interface Command {
    /** The command name as sent on the wire, e.g. {@code READY}. */
    String name();

    /** Number of bytes {@link #encodeData} writes. */
    int dataLength();

    /** Writes the command data (what follows the name). */
    void encodeData(ByteBuf out);

    /** Number of bytes {@link #encode} writes: the whole command body. */
    default int encodedLength() {
        return 1 + name().length() + dataLength();
    }

    /** Writes the whole command body: name length, name, data. */
    default void encode(ByteBuf out) {
        String name = name();
        out.writeByte(name.length());
        out.writeCharSequence(name, StandardCharsets.US_ASCII);
        encodeData(out);
    }
}
