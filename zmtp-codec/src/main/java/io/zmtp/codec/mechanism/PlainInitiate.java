package io.zmtp.codec.mechanism;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.command.Command;

/** PLAIN INITIATE: the client's metadata, in the same form as READY's. */
public record PlainInitiate(Metadata metadata) implements Command {
    public static final String NAME = "INITIATE";

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
}
