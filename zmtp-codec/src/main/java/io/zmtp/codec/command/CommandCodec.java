package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;

import java.nio.charset.StandardCharsets;

/**
 * Turns command frame bodies into {@link Command} values and back. Handshake commands whose layout
 * depends on the mechanism (HELLO, WELCOME, INITIATE) are left to the mechanism; this class knows
 * the ones every mechanism shares.
 */
public final class CommandCodec {
    private CommandCodec() {
    }

    /** A command frame holding {@code command}'s body, from {@code alloc}. */
    public static ZmtpFrame encode(ByteBufAllocator alloc, Command command) {
        ByteBuf body = alloc.buffer(command.encodedLength());
        try {
            command.encode(body);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        return ZmtpFrame.command(body);
    }

    /**
     * The name of the command in {@code body}, without consuming it. libzmq's misspelt PLAIN ERROR
     * reads as {@code ERROR}.
     *
     * @throws ZmtpProtocolException when the body has no valid name
     */
    public static String name(ByteBuf body) {
        if (isLibzmqPlainError(body)) {
            return ErrorCommand.NAME;
        }
        if (!body.isReadable()) {
            throw new ZmtpProtocolException("empty command frame");
        }
        int length = body.getUnsignedByte(body.readerIndex());
        if (length == 0) {
            throw new ZmtpProtocolException("command with an empty name");
        }
        if (length > body.readableBytes() - 1) {
            throw new ZmtpProtocolException("command name length " + length + " exceeds the "
                    + (body.readableBytes() - 1) + " bytes of the command frame");
        }
        return body.toString(body.readerIndex() + 1, length, StandardCharsets.US_ASCII);
    }

    /** A slice of {@code body} after the name: the command data (not retained). */
    public static ByteBuf data(ByteBuf body) {
        int skip = isLibzmqPlainError(body)
                ? ErrorCommand.LIBZMQ_PLAIN_PREFIX.length
                : 1 + body.getUnsignedByte(body.readerIndex());
        return body.slice(body.readerIndex() + skip, body.readableBytes() - skip);
    }

    /**
     * Decodes the commands every mechanism shares: READY, ERROR, SUBSCRIBE, CANCEL, PING, PONG, JOIN, LEAVE.
     * Any other name yields an {@link UnknownCommand}. Does not release {@code body}.
     */
    public static Command decode(ByteBuf body) {
        String name = name(body);
        ByteBuf data = data(body);
        switch (name) {
            case Ready.NAME: return Ready.decodeData(data);
            case ErrorCommand.NAME: return ErrorCommand.decodeData(data, isLibzmqPlainError(body));
            case Subscribe.NAME: return Subscribe.decodeData(data);
            case Cancel.NAME: return Cancel.decodeData(data);
            case Ping.NAME: return Ping.decodeData(data);
            case Pong.NAME: return Pong.decodeData(data);
            case Join.NAME: return Join.decodeData(data);
            case Leave.NAME: return Leave.decodeData(data);
            default: return new UnknownCommand(name, ByteBufUtil.getBytes(data));
        }
    }

    /**
     * True when {@code body} is libzmq's PLAIN ERROR with its {@code 5E "RROR"} name: the prefix,
     * and too short to be read as a command with a 94-byte name.
     */
    public static boolean isLibzmqPlainError(ByteBuf body) {
        byte[] prefix = ErrorCommand.LIBZMQ_PLAIN_PREFIX;
        if (body.readableBytes() < prefix.length || body.readableBytes() > prefix[0]) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body.getByte(body.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
