package io.zmtp.socket.faults;

import io.zmtp.socket.Message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Numbered multipart test messages that prove themselves whole: [prefix..., "seq", body, "end seq"]
 * where the body's bytes are derived from the number, so a message cut short, merged with
 * another or with frames missing fails {@link #check}.
 */
final class SequencedMessages {
    private SequencedMessages() {
    }

    static Message make(long seq, int bodySize, String... prefix) {
        Message m = Message.of(prefix);
        m.add(Long.toString(seq));
        m.add(body(seq, bodySize));
        m.add("end " + seq);
        return m;
    }

    /** The message's number, or an exception saying how it is not a whole message of {@code make}. */
    static long check(Message m, int bodySize, int prefixFrames) {
        if (m.size() != prefixFrames + 3) {
            throw new IllegalStateException("expected " + (prefixFrames + 3) + " frames, got " + m.size());
        }
        long seq = Long.parseLong(m.string(prefixFrames));
        if (!Arrays.equals(m.bytes(prefixFrames + 1), body(seq, bodySize))) {
            throw new IllegalStateException("body of " + seq + " is not its own");
        }
        if (!m.string(prefixFrames + 2).equals("end " + seq)) {
            throw new IllegalStateException("last frame of " + seq + " is " + m.string(prefixFrames + 2));
        }
        return seq;
    }

    private static byte[] body(long seq, int size) {
        byte[] b = new byte[size];
        byte[] tag = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (tag[i % tag.length] + i);
        }
        return b;
    }
}
