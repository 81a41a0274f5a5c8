package io.zmtp.bench.soak;

import io.zmtp.socket.Message;

import java.util.Arrays;

/**
 * Numbered multipart soak messages that prove themselves whole: [prefix..., seq, body, seq again]
 * with a body derived from the number, so a partial, merged or corrupt message fails {@link #check}.
 */
final class Numbered {
    private Numbered() {
    }

    static Message make(long seq, int bodySize, String... prefix) {
        Message m = Message.of(prefix);
        m.add(Long.toString(seq));
        m.add(body(seq, bodySize));
        m.add(Long.toString(seq));
        return m;
    }

    /** The message's number, or -1 when it is not a whole message of {@link #make}. */
    static long check(Message m, int bodySize, int prefixFrames) {
        if (m.size() != prefixFrames + 3) {
            return -1;
        }
        long seq;
        try {
            seq = Long.parseLong(m.string(prefixFrames));
        } catch (NumberFormatException e) {
            return -1;
        }
        boolean whole = seq >= 0 && Arrays.equals(m.bytes(prefixFrames + 1), body(seq, bodySize))
                && m.string(prefixFrames + 2).equals(Long.toString(seq));
        return whole ? seq : -1;
    }

    private static byte[] body(long seq, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        return b;
    }
}
