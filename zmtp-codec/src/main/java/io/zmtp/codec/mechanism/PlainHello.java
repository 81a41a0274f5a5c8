package io.zmtp.codec.mechanism;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.command.Command;

/** PLAIN HELLO: {@code username-length username password-length password}, exactly. */
public record PlainHello(byte[] username, byte[] password) implements Command {
    public static final String NAME = "HELLO";

    public PlainHello {
        if (username.length > 255 || password.length > 255) {
            throw new IllegalArgumentException("PLAIN username and password are at most 255 bytes each");
        }
        username = username.clone();
        password = password.clone();
    }

    @Override
    public byte[] username() {
        return username.clone();
    }

    @Override
    public byte[] password() {
        return password.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return 2 + username.length + password.length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        out.writeByte(username.length).writeBytes(username);
        out.writeByte(password.length).writeBytes(password);
    }

    /** Parses the data; like libzmq, the password must end exactly at the end of the command. */
    public static PlainHello decodeData(ByteBuf data) {
        if (!data.isReadable()) {
            throw new ZmtpProtocolException("PLAIN HELLO without a username length");
        }
        int ulen = data.readUnsignedByte();
        if (data.readableBytes() < ulen + 1) {
            throw new ZmtpProtocolException("PLAIN HELLO username of " + ulen + " bytes is truncated");
        }
        byte[] user = new byte[ulen];
        data.readBytes(user);
        int plen = data.readUnsignedByte();
        if (data.readableBytes() != plen) {
            throw new ZmtpProtocolException("PLAIN HELLO password length " + plen + " does not match the "
                    + data.readableBytes() + " bytes that follow");
        }
        byte[] pass = new byte[plen];
        data.readBytes(pass);
        return new PlainHello(user, pass);
    }

    @Override
    public String toString() {
        return "PlainHello[username length " + username.length + "]";
    }
}
