package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * One ZMTP frame: a body and the MORE and COMMAND flags. The frame owns its body; whoever holds a
 * frame releases it (or passes it on to someone who will). Frames decoded from the wire are
 * retained slices of the read buffer, not copies.
 */
public final class ZmtpFrame extends DefaultByteBufHolder {
    public static final int FLAG_MORE = 0x01;
    public static final int FLAG_LONG = 0x02;
    public static final int FLAG_COMMAND = 0x04;

    private final boolean more;
    private final boolean command;

    private ZmtpFrame(ByteBuf body, boolean more, boolean command) {
        super(body);
        if (more && command) {
            throw new IllegalArgumentException("a command frame cannot carry MORE");
        }
        this.more = more;
        this.command = command;
    }

    /** A message frame; {@code more} says another frame of the same message follows. */
    public static ZmtpFrame message(ByteBuf body, boolean more) {
        return new ZmtpFrame(body, more, false);
    }

    /** A command frame whose body is {@code name-length name data}. */
    public static ZmtpFrame command(ByteBuf body) {
        return new ZmtpFrame(body, false, true);
    }

    /** A final message frame holding a copy of the UTF-8 bytes of {@code text}. */
    public static ZmtpFrame of(String text) {
        return message(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), false);
    }

    public boolean more() {
        return more;
    }

    public boolean isCommand() {
        return command;
    }

    /** The flags octet this frame is sent with, for a body of {@code content().readableBytes()}. */
    public int flags() {
        int flags = (more ? FLAG_MORE : 0) | (command ? FLAG_COMMAND : 0);
        return content().readableBytes() > 255 ? flags | FLAG_LONG : flags;
    }

    @Override
    public ZmtpFrame replace(ByteBuf content) {
        return new ZmtpFrame(content, more, command);
    }

    @Override
    public ZmtpFrame copy() {
        return replace(content().copy());
    }

    @Override
    public ZmtpFrame duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public ZmtpFrame retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public ZmtpFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public ZmtpFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public ZmtpFrame touch() {
        super.touch();
        return this;
    }

    @Override
    public ZmtpFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "ZmtpFrame(" + (command ? "COMMAND, " : "") + (more ? "MORE, " : "")
                + content().readableBytes() + " bytes)";
    }
}
