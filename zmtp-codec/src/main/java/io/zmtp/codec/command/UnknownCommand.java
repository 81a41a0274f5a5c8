package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Arrays;

/**
 * A command this codec does not interpret. After the handshake libzmq ignores such commands and
 * keeps the connection; the codec passes them on so an application may look, and drops nothing.
 */
public record UnknownCommand(String name, byte[] data) implements Command {
    public UnknownCommand {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int dataLength() {
        return data.length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        out.writeBytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownCommand u && u.name.equals(name) && Arrays.equals(data, u.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "UnknownCommand[" + name + ", " + ByteBufUtil.hexDump(data) + "]";
    }
}
