package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Arrays;

/** PONG (ZMTP 3.1 heartbeat): the answer to a {@link Ping}, echoing its context. */
public record Pong(byte[] context) implements Command {
    public static final String NAME = "PONG";

    public Pong {
        if (context.length > Ping.MAX_CONTEXT) {
            throw new IllegalArgumentException("PONG context is at most 16 bytes: " + context.length);
        }
        context = context.clone();
    }

    @Override
    public byte[] context() {
        return context.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return context.length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        out.writeBytes(context);
    }

    /** Parses the context; one longer than 16 bytes is cut to 16. */
    public static Pong decodeData(ByteBuf data) {
        byte[] context = new byte[Math.min(Ping.MAX_CONTEXT, data.readableBytes())];
        data.readBytes(context);
        data.skipBytes(data.readableBytes());
        return new Pong(context);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pong p && Arrays.equals(context, p.context);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(context);
    }

    @Override
    public String toString() {
        return "Pong[" + ByteBufUtil.hexDump(context) + "]";
    }
}
