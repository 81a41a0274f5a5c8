package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.Utf8;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of a change set as stored in the database. Binary rather than JSON so
 * values need no base64 and a change set is about as large as its content:
 * <pre>
 * uint8              format, 1
 * uint32 big-endian  number of changes
 * per change, in order:
 *   uint32 big-endian  length of the UTF-8 key
 *   bytes              the UTF-8 key
 *   int32 big-endian   length of the value, or -1 for a delete
 *   bytes              the value (absent for a delete)
 * </pre>
 * Nothing follows the last change.
 */
final class ChangeSetCodec {
    static final byte FORMAT = 1;

    private ChangeSetCodec() {
    }

    static byte[] encode(List<Change> changes) {
        long size = 1 + 4;
        for (Change c : changes) {
            size += 4 + Utf8.length(c.key()) + 4 + (c.isDelete() ? 0 : c.value().length);
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new ConfigLimitException("change set of " + size + " bytes is too large to store");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(FORMAT);
        out.putInt(changes.size());
        for (Change c : changes) {
            byte[] key = c.key().getBytes(StandardCharsets.UTF_8);
            out.putInt(key.length);
            out.put(key);
            if (c.isDelete()) {
                out.putInt(-1);
            } else {
                out.putInt(c.value().length);
                out.put(c.value());
            }
        }
        return out.array();
    }

    /**
     * @throws IllegalArgumentException when {@code bytes} is not a well-formed change set
     */
    static List<Change> decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte format = in.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown change set format " + format);
            }
            int count = in.getInt();
            // every change takes at least 9 bytes, which bounds a corrupt count
            if (count < 0 || count > in.remaining() / 9) {
                throw new IllegalArgumentException("bad change count " + count);
            }
            List<Change> changes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String key = decodeKey(take(in, in.getInt()));
                int valueLength = in.getInt();
                changes.add(valueLength == -1 ? Change.delete(key) : Change.put(key, take(in, valueLength)));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after the last change");
            }
            return changes;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("change set is truncated", e);
        }
    }

    private static byte[] take(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad length " + length + " with " + in.remaining() + " bytes left");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static String decodeKey(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("key is not valid UTF-8", e);
        }
    }
}
