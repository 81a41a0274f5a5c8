package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.zmtp.codec.command.Command;

/**
 * A CURVE handshake command (HELLO, WELCOME, INITIATE, READY) ready to go: its name and the bytes
 * that follow it, already laid out and boxed by the mechanism. Shows only its size when printed.
 */
record CurveCommand(String name, byte[] data) implements Command {
    @Override
    public int dataLength() {
        return data.length;
    }

    @Override
    public void encodeData(ByteBuf out) {
        out.writeBytes(data);
    }

    @Override
    public String toString() {
        return "CurveCommand[" + name + ", " + encodedLength() + " bytes]";
    }
}
