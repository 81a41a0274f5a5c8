package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Arrays;

/**
 * CANCEL (ZMTP 3.1): withdraws one {@link Subscribe} of the same topic. To a 3.0 peer the encoder
 * sends it as a message {@code 0x00 topic} instead.
 */
public record Cancel(byte[] topic) implements Command {
    public static final String NAME = "CANCEL";

    public Cancel {
        topic = topic.clone();
    }

    @Override
    public byte[] topic() {
        return topic.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return topic.length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        out.writeBytes(topic);
    }

    public static Cancel decodeData(ByteBuf data) {
        return new Cancel(ByteBufUtil.getBytes(data));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cancel c && Arrays.equals(topic, c.topic);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(topic);
    }

    @Override
    public String toString() {
        return "Cancel[" + ByteBufUtil.hexDump(topic) + "]";
    }
}
