package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.UntrustedText;
import io.zmtp.codec.ZmtpProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JOIN (RFC 48, libzmq's draft RADIO/DISH): the dish wants the messages a RADIO sends to {@code group}. The data is the group's bytes, at most
 * {@link Join#MAX_GROUP} of them. libzmq writes it as a command to every peer, whatever the
 * ZMTP revision.
 */
public record Join(byte[] group) implements Command {
    public static final String NAME = "JOIN";

    /** libzmq 4.3's ZMQ_GROUP_MAX_LENGTH: the longest group, in bytes. */
    public static final int MAX_GROUP = 255;

    public Join {
        group = checkGroup(group);
    }

    /** A copy of {@code group}; throws {@link IllegalArgumentException} when it is over {@link #MAX_GROUP} bytes. */
    static byte[] checkGroup(byte[] group) {
        if (group.length > MAX_GROUP) {
            throw new IllegalArgumentException("a group has at most " + MAX_GROUP + " bytes, got " + group.length);
        }
        return group.clone();
    }

    @Override
    public byte[] group() {
        return group.clone();
    }

    /** The group as text (libzmq's groups are C strings: UTF-8 here). */
    public String groupName() {
        return new String(group, StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return group.length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        out.writeBytes(group);
    }

    /** Throws {@link ZmtpProtocolException} for a group longer than {@link Join#MAX_GROUP} bytes. */
    public static Join decodeData(ByteBuf data) {
        if (data.readableBytes() > Join.MAX_GROUP) {
            throw new ZmtpProtocolException(NAME + " with a group of " + data.readableBytes() + " bytes (at most "
                    + Join.MAX_GROUP + ")");
        }
        return new Join(ByteBufUtil.getBytes(data));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Join j && Arrays.equals(group, j.group);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(group);
    }

    @Override
    public String toString() {
        return "Join[" + UntrustedText.of(group) + "]";
    }
}
