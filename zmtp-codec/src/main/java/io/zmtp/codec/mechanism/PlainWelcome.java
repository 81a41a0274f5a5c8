package io.zmtp.codec.mechanism;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.command.Command;

/** PLAIN WELCOME: the server accepted the HELLO; no data. */
public record PlainWelcome() implements Command {
    public static final String NAME = "WELCOME";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dataLength() {
        return 0;
    }

    @Override
    public void encodeData(ByteBuf out) {
    }
}
