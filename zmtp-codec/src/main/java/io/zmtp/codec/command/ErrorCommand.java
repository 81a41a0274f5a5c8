package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * ERROR: the peer refuses the connection, with a reason of at most 255 bytes. A reason of
 * {@code 300}, {@code 400} or {@code 500} is a ZAP status code (an authentication outcome).
 *
 * <p>libzmq's PLAIN mechanism spells the command name wrongly on the wire ({@code 5E "RROR"}, a C
 * string-literal slip) and its PLAIN client only understands that spelling. {@link #libzmqPlainSpelling}
 * selects it when encoding and records it when decoding.
 */
public record ErrorCommand(String reason, boolean libzmqPlainSpelling) implements Command {
    public static final String NAME = "ERROR";
    /** The first five body bytes of libzmq's misspelt PLAIN ERROR. */
    static final byte[] LIBZMQ_PLAIN_PREFIX = {0x5E, 'R', 'R', 'O', 'R'};

    public ErrorCommand {
        if (reason == null) {
            throw new IllegalArgumentException("ERROR needs a reason");
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("ERROR reason is longer than 255 bytes: " + reason);
        }
    }

    public ErrorCommand(String reason) {
        this(reason, false);
    }

    /** True when the reason is a ZAP status code that means authentication failed or was refused. */
    public boolean isAuthFailure() {
        return reason.equals("300") || reason.equals("400") || reason.equals("500");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return 1 + reason.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        out.writeByte(r.length);
        out.writeBytes(r);
    }

    @Override
    public int encodedLength() {
        return libzmqPlainSpelling ? LIBZMQ_PLAIN_PREFIX.length + dataLength() : Command.super.encodedLength();
    }

    @Override
    public void encode(ByteBuf out) {
        if (libzmqPlainSpelling) {
            out.writeBytes(LIBZMQ_PLAIN_PREFIX);
            encodeData(out);
        } else {
            Command.super.encode(out);
        }
    }

    /** Parses {@code reason-length reason}; the reason must fill the data exactly. */
    public static ErrorCommand decodeData(ByteBuf data, boolean libzmqPlainSpelling) {
        if (!data.isReadable()) {
            throw new io.zmtp.codec.ZmtpProtocolException("ERROR command without a reason length");
        }
        int length = data.readUnsignedByte();
        if (length != data.readableBytes()) {
            throw new io.zmtp.codec.ZmtpProtocolException("ERROR reason length " + length
                    + " does not match the " + data.readableBytes() + " bytes that follow");
        }
        return new ErrorCommand(strictUtf8(data, length), libzmqPlainSpelling);
    }

    /**
     * The reason as text, refusing bytes that are not UTF-8: decoded with replacement characters, a
     * reason would no longer be the bytes the peer sent, and 86 bad bytes would grow past the
     * 255-byte limit (three bytes per replacement character) and fail as an argument error.
     */
    private static String strictUtf8(ByteBuf data, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(data.nioBuffer(data.readerIndex(), length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new io.zmtp.codec.ZmtpProtocolException("ERROR reason of " + length + " bytes is not UTF-8 text");
        } finally {
            data.skipBytes(length);
        }
    }
}
