package io.zmtp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;

/** Writes byte layouts the way the RFCs and ZMTP.md show them: hex octets and "quoted" ASCII. */
public final class Hex {
    private Hex() {
    }

    /**
     * Parses {@code "04 19 05 'READY' 00"}: whitespace-separated hex octets, and single-quoted
     * ASCII runs.
     */
    public static byte[] bytes(String layout) {
        ByteBuf out = Unpooled.buffer();
        int i = 0;
        while (i < layout.length()) {
            char c = layout.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                int end = layout.indexOf('\'', i + 1);
                out.writeCharSequence(layout.substring(i + 1, end), StandardCharsets.US_ASCII);
                i = end + 1;
            } else {
                out.writeByte(Integer.parseInt(layout.substring(i, i + 2), 16));
                i += 2;
            }
        }
        byte[] result = ByteBufUtil.getBytes(out);
        out.release();
        return result;
    }

    public static ByteBuf buf(String layout) {
        return Unpooled.wrappedBuffer(bytes(layout));
    }

    /** Reads and releases {@code buf}, returning its bytes. */
    public static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Reads every outbound buffer {@code ch} holds, releasing each, and returns their bytes in order. */
    public static byte[] drainOutbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        return drain(all);
    }
}
