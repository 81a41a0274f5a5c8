package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.Metadata;

/** READY: ends the NULL handshake (and the PLAIN one, from the server), carrying metadata. */
public record Ready(Metadata metadata) implements Command {
    public static final String NAME = "READY";

    public Ready {
        if (metadata == null) {
            throw new IllegalArgumentException("READY needs metadata (possibly empty)");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return metadata.encodedLength();
    }

    @Override
    public void encodeData(ByteBuf out) {
        metadata.encode(out);
    }

    public static Ready decodeData(ByteBuf data) {
        return new Ready(Metadata.decode(data));
    }
}
