package io.zmtp.socket.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RFC 6455 5.3 masking: payload byte {@code i} is XORed with byte {@code i % 4} of the frame's
 * 32-bit key (the key's first byte is its most significant). Eight bytes at a time, on the
 * buffer's memory address or array where it has one, so that no view object or per-byte bounds
 * check is made per frame (a ZWS frame of a 16-byte message is masked millions of times a second).
 */
final class WsMask {
    /** Raw memory access needs {@code sun.misc.Unsafe}; a JVM may give addresses without it (Java 24+). */
    private static final boolean RAW = PlatformDependent.hasUnsafe();
    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /**
     * From this many bytes on, a body in an array is masked by a copy and an XOR in place rather than
     * word by word: faster at 1 KiB x 9M over ws in 4 rounds of 4, not at 16 B x 60M (lower in 2 of 3).
     */
    private static final int COPY_THEN_XOR = 256;
    private static final VarHandle ARRAY_LONG_NATIVE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private WsMask() {
    }

    /** The memory address of {@code buf} for this class's raw paths, or 0 when they cannot be used. */
    static long addressOf(ByteBuf buf) {
        return RAW && buf.hasMemoryAddress() ? buf.memoryAddress() : 0;
    }

    /**
     * XORs {@code n} bytes of {@code buf} from {@code start} with {@code key}, the first of them
     * being byte {@code index} of the frame's payload.
     */
    static void xor(ByteBuf buf, int start, int n, int key, long index) {
        xor(buf, addressOf(buf), start, n, key, index);
    }

    /** {@link #xor(ByteBuf, int, int, int, long)} with {@code buf}'s {@link #addressOf address}, known. */
    static void xor(ByteBuf buf, long address, int start, int n, int key, long index) {
        if (n <= 0) {
            return;
        }
        // The key turned so that its first byte applies to buf[start].
        int k = Integer.rotateLeft(key, 8 * (int) (index & 3));
        if (address != 0) {
            xorAddress(address + start, n, k);
        } else if (buf.hasArray()) {
            xorArray(buf.array(), buf.arrayOffset() + start, n, k);
        } else if (buf.nioBufferCount() == 1) {
            xorNio(buf.nioBuffer(start, n), n, k);
        } else {
            for (int i = 0; i < n; i++) {
                buf.setByte(start + i, buf.getByte(start + i) ^ keyByte(k, i));
            }
        }
    }

    /**
     * Copies {@code n} bytes of {@code from} at {@code at} (its indices unchanged) to {@code to}'s
     * writer index, masked with {@code key} from payload byte {@code index} on (in one pass, or, for
     * a body of {@link #COPY_THEN_XOR} bytes or more in an array, a copy and an XOR in place), and
     * moves {@code to}'s writer index past them; false (nothing done) unless {@code to} has a raw
     * address and {@code from} an address or an array, and {@code to} has room.
     */
    static boolean copyMasked(ByteBuf from, int at, ByteBuf to, int n, int key, long index) {
        long dst = addressOf(to);
        if (dst == 0 || to.writableBytes() < n) {
            return false;
        }
        dst += to.writerIndex();
        int k = Integer.rotateLeft(key, 8 * (int) (index & 3));
        int inMemoryOrder = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? k : Integer.reverseBytes(k);
        long word = (inMemoryOrder & 0xffffffffL) | ((long) inMemoryOrder << 32);
        long src = addressOf(from);
        int i = 0;
        if (src != 0) {
            src += at;
            for (; i + 32 <= n; i += 32) {
                PlatformDependent.putLong(dst + i, PlatformDependent.getLong(src + i) ^ word);
                PlatformDependent.putLong(dst + i + 8, PlatformDependent.getLong(src + i + 8) ^ word);
                PlatformDependent.putLong(dst + i + 16, PlatformDependent.getLong(src + i + 16) ^ word);
                PlatformDependent.putLong(dst + i + 24, PlatformDependent.getLong(src + i + 24) ^ word);
            }
            for (; i + 8 <= n; i += 8) {
                PlatformDependent.putLong(dst + i, PlatformDependent.getLong(src + i) ^ word);
            }
            for (; i < n; i++) {
                PlatformDependent.putByte(dst + i, (byte) (PlatformDependent.getByte(src + i) ^ keyByte(k, i)));
            }
        } else if (from.hasArray() && n >= COPY_THEN_XOR) {
            // The JVM's copy, then the XOR where the bytes landed: at 1 KiB x 9M a word loop reading
            // through a byte-array view (not inlined) had 1,759 samples of a sending loop's 5,665, these two 1,300.
            PlatformDependent.copyMemory(from.array(), from.arrayOffset() + at, dst, n);
            xorAddress(dst, n, k);
        } else if (from.hasArray()) {
            // Words read from the array in memory order, as the raw path reads them (this branch runs
            // only with raw access, dst != 0): no byte-array view and no byte swap per word.
            byte[] a = from.array();
            int o = from.arrayOffset() + at;
            for (; i + 8 <= n; i += 8) {
                PlatformDependent.putLong(dst + i, PlatformDependent.getLong(a, o + i) ^ word);
            }
            for (; i < n; i++) {
                PlatformDependent.putByte(dst + i, (byte) (a[o + i] ^ keyByte(k, i)));
            }
        } else {
            return false;
        }
        to.writerIndex(to.writerIndex() + n);
        return true;
    }

    /**
     * Copies {@code n} bytes of {@code from} at {@code at} (indices unchanged) to {@code to}'s writer
     * index, unmasked with {@code key} from payload byte {@code index} on, in one pass, and moves
     * {@code to}'s writer index past them; {@code fromAddress} is {@code from}'s {@link #addressOf
     * address}. For a small body copied out of a read into a heap buffer of its own.
     */
    static void copyUnmasked(ByteBuf from, long fromAddress, int at, ByteBuf to, int n, int key, long index) {
        int w = to.writerIndex();
        if (fromAddress == 0 || !to.hasArray()) {
            to.writeBytes(from, at, n);
            xor(to, w, n, key, index);
            return;
        }
        int k = Integer.rotateLeft(key, 8 * (int) (index & 3));
        int inMemoryOrder = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? k : Integer.reverseBytes(k);
        long word = (inMemoryOrder & 0xffffffffL) | ((long) inMemoryOrder << 32);
        long src = fromAddress + at;
        byte[] a = to.array();
        int dst = to.arrayOffset() + w;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            ARRAY_LONG_NATIVE.set(a, dst + i, PlatformDependent.getLong(src + i) ^ word);
        }
        for (; i < n; i++) {
            a[dst + i] = (byte) (PlatformDependent.getByte(src + i) ^ keyByte(k, i));
        }
        to.writerIndex(w + n);
    }

    private static int keyByte(int k, int i) {
        return k >>> (24 - 8 * (i & 3));
    }

    private static void xorAddress(long address, int n, int k) {
        // Unsafe reads a long in the platform's byte order: the key's bytes must lie in memory order.
        int inMemoryOrder = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? k : Integer.reverseBytes(k);
        long word = (inMemoryOrder & 0xffffffffL) | ((long) inMemoryOrder << 32);
        int i = 0;
        // Four words a turn: the loop's own work showed beside the XORs at 1 KiB frames.
        for (; i + 32 <= n; i += 32) {
            long a = address + i;
            PlatformDependent.putLong(a, PlatformDependent.getLong(a) ^ word);
            PlatformDependent.putLong(a + 8, PlatformDependent.getLong(a + 8) ^ word);
            PlatformDependent.putLong(a + 16, PlatformDependent.getLong(a + 16) ^ word);
            PlatformDependent.putLong(a + 24, PlatformDependent.getLong(a + 24) ^ word);
        }
        for (; i + 8 <= n; i += 8) {
            PlatformDependent.putLong(address + i, PlatformDependent.getLong(address + i) ^ word);
        }
        for (; i < n; i++) {
            PlatformDependent.putByte(address + i, (byte) (PlatformDependent.getByte(address + i) ^ keyByte(k, i)));
        }
    }

    private static void xorArray(byte[] a, int offset, int n, int k) {
        long word = (k & 0xffffffffL) | ((long) k << 32);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            ARRAY_LONG.set(a, offset + i, (long) ARRAY_LONG.get(a, offset + i) ^ word);
        }
        for (; i < n; i++) {
            a[offset + i] ^= (byte) keyByte(k, i);
        }
    }

    private static void xorNio(ByteBuffer b, int n, int k) {
        int at = b.position();
        b.order(ByteOrder.BIG_ENDIAN);
        long word = (k & 0xffffffffL) | ((long) k << 32);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            b.putLong(at + i, b.getLong(at + i) ^ word);
        }
        for (; i < n; i++) {
            b.put(at + i, (byte) (b.get(at + i) ^ keyByte(k, i)));
        }
    }

    /**
     * Unmasks {@code n} bytes of {@code buf} at {@code from} (payload byte {@code index} on) and moves
     * them down to {@code to} ({@code to < from}; the ranges may overlap) in one pass: each word is
     * read, unmasked and written once. {@code address} is {@code buf}'s {@link #addressOf address}.
     */
    static void moveDownUnmasked(ByteBuf buf, long address, int from, int to, int n, int key, long index) {
        if (address == 0) {
            xor(buf, address, from, n, key, index);
            moveDown(buf, address, from, to, n);
            return;
        }
        int k = Integer.rotateLeft(key, 8 * (int) (index & 3));
        int inMemoryOrder = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? k : Integer.reverseBytes(k);
        long word = (inMemoryOrder & 0xffffffffL) | ((long) inMemoryOrder << 32);
        long src = address + from;
        long dst = address + to;
        int i = 0;
        // Forward: each word is read before anything at or above it is written (dst < src).
        for (; i + 8 <= n; i += 8) {
            PlatformDependent.putLong(dst + i, PlatformDependent.getLong(src + i) ^ word);
        }
        for (; i < n; i++) {
            PlatformDependent.putByte(dst + i, (byte) (PlatformDependent.getByte(src + i) ^ keyByte(k, i)));
        }
    }

    /**
     * Moves {@code n} bytes of {@code buf} from {@code from} down to {@code to} ({@code to < from};
     * the ranges may overlap); {@code address} is {@code buf}'s {@link #addressOf address}.
     */
    static void moveDown(ByteBuf buf, long address, int from, int to, int n) {
        if (address != 0) {
            long src = address + from;
            long dst = address + to;
            if (n <= 64) {
                // Forward, a word at a time: each word is read before anything at or above it is
                // written (dst < src), and a call into Unsafe's copy costs more than a short message.
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    PlatformDependent.putLong(dst + i, PlatformDependent.getLong(src + i));
                }
                for (; i < n; i++) {
                    PlatformDependent.putByte(dst + i, PlatformDependent.getByte(src + i));
                }
            } else {
                // Unsafe's copy allows overlap (and copies forward in chunks, safe for a move down).
                PlatformDependent.copyMemory(src, dst, n);
            }
        } else if (buf.hasArray()) {
            System.arraycopy(buf.array(), buf.arrayOffset() + from, buf.array(), buf.arrayOffset() + to, n);
        } else {
            for (int i = 0; i < n; i++) {
                buf.setByte(to + i, buf.getByte(from + i));
            }
        }
    }
}
