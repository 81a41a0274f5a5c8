package io.zmtp.codec.curve;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Pack;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * NaCl {@code crypto_box} (curve25519xsalsa20poly1305), the only cipher CurveZMQ (RFC 26) uses,
 * assembled from Bouncy Castle primitives because the JDK has no XSalsa20 and libsodium would mean
 * native code.
 *
 * <p>A box here is what CurveZMQ puts on the wire: the 16-byte Poly1305 tag followed by the
 * ciphertext, i.e. NaCl's {@code crypto_box_afternm} output without its 16 leading zero bytes.
 * The XSalsa20 keystream's first 32 bytes are the one-time Poly1305 key; the message is XORed with
 * the keystream from byte 32 on; the tag covers the ciphertext only.
 *
 * <p>Wrong key or nonce lengths are programming errors ({@link IllegalArgumentException}); a box
 * that does not verify comes from the peer and raises the checked {@link AuthenticationException}.
 */
public final class CryptoBox {
    /** Length of public, secret and precomputed keys. */
    public static final int KEY_BYTES = 32;
    /** Length of the XSalsa20 nonce. */
    public static final int NONCE_BYTES = 24;
    /** Length of the Poly1305 tag that leads every box. */
    public static final int TAG_BYTES = 16;

    /** HSalsa20's constants, "expand 32-byte k" as little-endian words. */
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

    private CryptoBox() {
    }

    /** A box whose tag does not match its content under the given key and nonce, or that is too short. */
    public static final class AuthenticationException extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        public AuthenticationException(String message) {
            super(message);
        }
    }

    /**
     * NaCl {@code crypto_box_beforenm}: HSalsa20 (zero input) of the X25519 shared secret, so that
     * a connection pays for the curve operation once rather than per message.
     *
     * @throws IllegalArgumentException if a key is not 32 bytes, or if {@code theirPublic} is a
     *     low-order point (the shared secret would be all zeros, known to anyone; libsodium refuses
     *     it too)
     */
    public static byte[] beforenm(byte[] theirPublic, byte[] mySecret) {
        checkLength("public key", theirPublic, KEY_BYTES);
        checkLength("secret key", mySecret, KEY_BYTES);
        byte[] shared = new byte[KEY_BYTES];
        try {
            if (!X25519.calculateAgreement(mySecret, 0, theirPublic, 0, shared, 0)) {
                throw new IllegalArgumentException(
                        "public key is a low-order curve point; it would give an all-zero shared secret");
            }
            return hsalsa20(shared);
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    /** Seals {@code plaintext} with a key from {@link #beforenm}; returns tag then ciphertext. */
    public static byte[] seal(byte[] precomputedKey, byte[] nonce24, byte[] plaintext) {
        return seal(precomputedKey, nonce24, plaintext, 0, plaintext.length);
    }

    /** Seals {@code length} bytes of {@code plaintext} from {@code offset}. */
    public static byte[] seal(byte[] precomputedKey, byte[] nonce24, byte[] plaintext, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, plaintext.length);
        XSalsa20Engine stream = stream(precomputedKey, nonce24);
        byte[] polyKey = firstKeystreamBytes(stream);
        try {
            byte[] box = new byte[TAG_BYTES + length];
            stream.processBytes(plaintext, offset, length, box, TAG_BYTES);
            poly1305(polyKey, box, TAG_BYTES, length, box, 0);
            return box;
        } finally {
            Arrays.fill(polyKey, (byte) 0);
        }
    }

    /** {@link #beforenm} then {@link #seal(byte[], byte[], byte[])}, for one-off boxes. */
    public static byte[] seal(byte[] theirPublic, byte[] mySecret, byte[] nonce24, byte[] plaintext) {
        byte[] key = beforenm(theirPublic, mySecret);
        try {
            return seal(key, nonce24, plaintext);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Verifies and opens a box (tag then ciphertext) with a key from {@link #beforenm}. */
    public static byte[] open(byte[] precomputedKey, byte[] nonce24, byte[] box) throws AuthenticationException {
        return open(precomputedKey, nonce24, box, 0, box.length);
    }

    /**
     * Verifies and opens the box of {@code length} bytes at {@code offset}. Nothing is decrypted
     * unless the tag verifies; the comparison takes the same time wherever the tags differ.
     */
    public static byte[] open(byte[] precomputedKey, byte[] nonce24, byte[] box, int offset, int length)
            throws AuthenticationException {
        Objects.checkFromIndexSize(offset, length, box.length);
        XSalsa20Engine stream = stream(precomputedKey, nonce24);
        if (length < TAG_BYTES) {
            throw new AuthenticationException(
                    "box of " + length + " bytes is shorter than its " + TAG_BYTES + "-byte tag");
        }
        byte[] polyKey = firstKeystreamBytes(stream);
        byte[] tag = new byte[TAG_BYTES];
        try {
            poly1305(polyKey, box, offset + TAG_BYTES, length - TAG_BYTES, tag, 0);
        } finally {
            Arrays.fill(polyKey, (byte) 0);
        }
        if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(TAG_BYTES, tag, 0, box, offset)) {
            throw new AuthenticationException("box does not verify: wrong key, wrong nonce or altered content");
        }
        byte[] plaintext = new byte[length - TAG_BYTES];
        stream.processBytes(box, offset + TAG_BYTES, plaintext.length, plaintext, 0);
        return plaintext;
    }

    /** {@link #beforenm} then {@link #open(byte[], byte[], byte[])}, for one-off boxes. */
    public static byte[] open(byte[] theirPublic, byte[] mySecret, byte[] nonce24, byte[] box)
            throws AuthenticationException {
        byte[] key = beforenm(theirPublic, mySecret);
        try {
            return open(key, nonce24, box);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static XSalsa20Engine stream(byte[] key, byte[] nonce24) {
        checkLength("precomputed key", key, KEY_BYTES);
        checkLength("nonce", nonce24, NONCE_BYTES);
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce24));
        return engine;
    }

    /** The one-time Poly1305 key: keystream bytes 0..31, leaving the stream at byte 32. */
    private static byte[] firstKeystreamBytes(XSalsa20Engine stream) {
        byte[] polyKey = new byte[32];
        stream.processBytes(polyKey, 0, polyKey.length, polyKey, 0);
        return polyKey;
    }

    private static void poly1305(byte[] polyKey, byte[] in, int offset, int length, byte[] out, int outOffset) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(polyKey));
        mac.update(in, offset, length);
        mac.doFinal(out, outOffset);
    }

    /**
     * HSalsa20 with a zero 16-byte input. Bouncy Castle's {@code salsaCore} returns the rounds'
     * result plus the input words (the Salsa20 feed-forward); HSalsa20 has no feed-forward, so
     * the input words are subtracted again before taking words 0, 5, 10, 15, 6, 7, 8, 9.
     */
    private static byte[] hsalsa20(byte[] key) {
        int[] state = new int[16];
        state[0] = SIGMA[0];
        state[5] = SIGMA[1];
        state[10] = SIGMA[2];
        state[15] = SIGMA[3];
        Pack.littleEndianToInt(key, 0, state, 1, 4);
        Pack.littleEndianToInt(key, 16, state, 11, 4);
        // state[6..9], the 16-byte input, stays zero.
        int[] mixed = new int[16];
        Salsa20Engine.salsaCore(20, state, mixed);
        int[] words = {0, 5, 10, 15, 6, 7, 8, 9};
        byte[] out = new byte[KEY_BYTES];
        for (int i = 0; i < words.length; i++) {
            int w = words[i];
            Pack.intToLittleEndian(mixed[w] - state[w], out, 4 * i);
        }
        Arrays.fill(state, 0);
        Arrays.fill(mixed, 0);
        return out;
    }

    private static void checkLength(String what, byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException(what + " must be " + expected + " bytes, got " + bytes.length);
        }
    }
}
