package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.codec.ZmtpProtocolException;

import java.util.Arrays;

/**
 * PING (ZMTP 3.1 heartbeat): {@code ttl} in tenths of a second tells the peer how long to wait
 * for traffic before giving up on us (0 = no limit); the context (0..16 bytes) comes back in the PONG.
 */
public record Ping(int ttlDeciseconds, byte[] context) implements Command {
    public static final String NAME = "PING";
    public static final int MAX_CONTEXT = 16;

    public Ping {
        if (ttlDeciseconds < 0 || ttlDeciseconds > 0xFFFF) {
            throw new IllegalArgumentException("PING TTL must be 0..65535 deciseconds: " + ttlDeciseconds);
        }
        if (context.length > MAX_CONTEXT) {
            throw new IllegalArgumentException("PING context is at most 16 bytes: " + context.length);
        }
        context = context.clone();
    }

    @Override
    public byte[] context() {
        return context.clone();
    }

    /** The TTL in milliseconds. */
    public long ttlMillis() {
        return ttlDeciseconds * 100L;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return 2 + context.length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        out.writeShort(ttlDeciseconds);
        out.writeBytes(context);
    }

    /**
     * Parses {@code ttl context}. A context longer than 16 bytes is accepted and cut to 16, as
     * libzmq does when it echoes one.
     */
    public static Ping decodeData(ByteBuf data) {
        if (data.readableBytes() < 2) {
            throw new ZmtpProtocolException("PING needs a 2-byte TTL, got " + data.readableBytes() + " bytes");
        }
        int ttl = data.readUnsignedShort();
        byte[] context = new byte[Math.min(MAX_CONTEXT, data.readableBytes())];
        data.readBytes(context);
        data.skipBytes(data.readableBytes());
        return new Ping(ttl, context);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ping p && p.ttlDeciseconds == ttlDeciseconds && Arrays.equals(context, p.context);
    }

    @Override
    public int hashCode() {
        return 31 * ttlDeciseconds + Arrays.hashCode(context);
    }

    @Override
    public String toString() {
        return "Ping[ttl=" + ttlDeciseconds + "ds, context=" + ByteBufUtil.hexDump(context) + "]";
    }
}
