package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.util.Pack;

import java.util.Arrays;

/**
 * The boxes of one direction of one CURVE connection: NaCl's {@code crypto_box_afternm} (XSalsa20 +
 * Poly1305) for nonces made of a fixed 16-byte prefix and an 8-byte big-endian counter, run over
 * the bytes where they lie and allocating nothing per box.
 *
 * <p>Why it can be cheaper than a general box: XSalsa20's first step, HSalsa20 over the key and
 * the nonce's first 16 bytes, depends only on the prefix ({@code CurveZMQMESSAGEC} or {@code ...S}),
 * so it runs once here instead of once per message. What is left per box is Salsa20 under that
 * subkey with the counter as its 8-byte nonce, and Poly1305 keyed by the first 32 keystream bytes.
 *
 * <p>Not thread-safe: one instance belongs to one connection's event loop. {@link #close()} wipes
 * the subkey; nothing else secret outlives a call.
 */
final class MessageBox implements AutoCloseable {
    static final int TAG = CryptoBox.TAG_BYTES;
    /** "expand 32-byte k", the Salsa20 constants. */
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

    /** Salsa20 input: constants, the subkey, the counter as nonce, the block number. */
    private final int[] input = new int[16];
    private final int[] keystream = new int[16];
    private final int[] tag = new int[4];
    private final Poly1305Mac mac = new Poly1305Mac();
    private final BufferRegion from = new BufferRegion();
    private final BufferRegion to = new BufferRegion();
    private boolean closed;

    /**
     * @param precomputedKey the connection's key from {@link CryptoBox#beforenm} (not kept; the caller wipes it)
     * @param noncePrefix    the 16 bytes every nonce of this direction starts with
     */
    MessageBox(byte[] precomputedKey, byte[] noncePrefix) {
        if (precomputedKey.length != CryptoBox.KEY_BYTES || noncePrefix.length != 16) {
            throw new IllegalArgumentException("a message box needs a 32-byte key and a 16-byte nonce prefix");
        }
        int[] h = new int[16];
        h[0] = SIGMA[0];
        h[5] = SIGMA[1];
        h[10] = SIGMA[2];
        h[15] = SIGMA[3];
        Pack.littleEndianToInt(precomputedKey, 0, h, 1, 4);
        Pack.littleEndianToInt(noncePrefix, 0, h, 6, 4);
        Pack.littleEndianToInt(precomputedKey, 16, h, 11, 4);
        int[] mixed = new int[16];
        // salsaCore adds the input words back (Salsa20's feed-forward); HSalsa20 has none.
        Salsa20Engine.salsaCore(20, h, mixed);
        input[0] = SIGMA[0];
        input[5] = SIGMA[1];
        input[10] = SIGMA[2];
        input[15] = SIGMA[3];
        input[1] = mixed[0] - h[0];
        input[2] = mixed[5] - h[5];
        input[3] = mixed[10] - h[10];
        input[4] = mixed[15] - h[15];
        input[11] = mixed[6] - h[6];
        input[12] = mixed[7] - h[7];
        input[13] = mixed[8] - h[8];
        input[14] = mixed[9] - h[9];
        Arrays.fill(h, 0);
        Arrays.fill(mixed, 0);
    }

    /**
     * Boxes in place: the {@code length} plaintext bytes at {@code tagIndex + 16} of {@code buf}
     * become ciphertext and the 16 bytes at {@code tagIndex} receive the tag.
     */
    void seal(ByteBuf buf, int tagIndex, int length, long nonce) {
        ensureOpen();
        from.bind(buf, tagIndex, TAG + length);
        try {
            start(nonce);
            int body = tagIndex + TAG;
            xor(from, body, from, body, length);
            mac.update(from, body, length);
            mac.finish(tag);
            for (int i = 0; i < 4; i++) {
                from.setIntLE(tagIndex + 4 * i, tag[i]);
            }
        } finally {
            forget();
        }
    }

    /**
     * Verifies the box of {@code length} ciphertext bytes behind the tag at {@code tagIndex} of
     * {@code in} and, only if it verifies, writes the plaintext to {@code out} at {@code outIndex}.
     * The tags are compared in constant time.
     *
     * @return false if the tag does not match (nothing is written then)
     */
    boolean open(ByteBuf in, int tagIndex, int length, long nonce, ByteBuf out, int outIndex) {
        ensureOpen();
        from.bind(in, tagIndex, TAG + length);
        to.bind(out, outIndex, length);
        try {
            start(nonce);
            int body = tagIndex + TAG;
            mac.update(from, body, length);
            mac.finish(tag);
            int diff = 0;
            for (int i = 0; i < 4; i++) {
                diff |= tag[i] ^ from.getIntLE(tagIndex + 4 * i);
            }
            if (diff != 0) {
                return false;
            }
            xor(from, body, to, outIndex, length);
            return true;
        } finally {
            forget();
        }
    }

    /** Wipes the subkey; the box refuses to work after. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Arrays.fill(input, 0);
        forget();
    }

    /** True once the subkey is gone: for tests that check keys do not outlive the connection. */
    boolean isWiped() {
        for (int w : input) {
            if (w != 0) {
                return false;
            }
        }
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this CURVE message box is closed and its key wiped");
        }
    }

    /** Keystream block 0 for {@code nonce}; its first 32 bytes key Poly1305. */
    private void start(long nonce) {
        input[6] = Integer.reverseBytes((int) (nonce >>> 32));
        input[7] = Integer.reverseBytes((int) nonce);
        input[8] = 0;
        input[9] = 0;
        Salsa20Engine.salsaCore(20, input, keystream);
        mac.init(keystream);
    }

    /**
     * XORs {@code length} bytes with the keystream from byte 32 of block 0 on, eight bytes (two
     * keystream words) at a time while it can; source and destination may be the same bytes.
     */
    private void xor(BufferRegion src, int srcIndex, BufferRegion dst, int dstIndex, int length) {
        int word = 8;
        int done = 0;
        while (length - done >= 8) {
            if (word == 16) {
                nextBlock();
                word = 0;
            }
            long k = (keystream[word] & 0xffffffffL) | ((long) keystream[word + 1] << 32);
            dst.setLongLE(dstIndex + done, src.getLongLE(srcIndex + done) ^ k);
            word += 2;
            done += 8;
        }
        if (done < length && word == 16) {
            nextBlock();
            word = 0;
        }
        if (length - done >= 4) {
            dst.setIntLE(dstIndex + done, src.getIntLE(srcIndex + done) ^ keystream[word++]);
            done += 4;
        }
        if (done < length) {
            int k = keystream[word];
            for (int j = 0; done + j < length; j++) {
                dst.setByte(dstIndex + done + j, src.getByte(srcIndex + done + j) ^ (k >>> (8 * j)));
            }
        }
    }

    private void nextBlock() {
        if (++input[8] == 0) {
            input[9]++;
        }
        Salsa20Engine.salsaCore(20, input, keystream);
    }

    /** Clears what one box leaves behind: keystream, tag, MAC state, the buffers. */
    private void forget() {
        Arrays.fill(keystream, 0);
        Arrays.fill(tag, 0);
        mac.wipe();
        from.unbind();
        to.unbind();
    }
}
