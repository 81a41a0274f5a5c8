package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Arrays;

/**
 * SUBSCRIBE (ZMTP 3.1): the subscriber wants messages whose first frame starts with
 * {@code topic}; an empty topic matches everything. To a 3.0 peer the encoder sends it as a
 * message {@code 0x01 topic} instead.
 */
public record Subscribe(byte[] topic) implements Command {
    public static final String NAME = "SUBSCRIBE";

    public Subscribe {
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

    public static Subscribe decodeData(ByteBuf data) {
        return new Subscribe(ByteBufUtil.getBytes(data));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subscribe s && Arrays.equals(topic, s.topic);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(topic);
    }

    @Override
    public String toString() {
        return "Subscribe[" + ByteBufUtil.hexDump(topic) + "]";
    }
}
