package io.zmtp.codec.curve;

import org.bouncycastle.math.ec.rfc7748.X25519;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A CURVE (X25519) key pair: 32-byte public and secret keys. Keys are copied in and out, so no
 * caller can change a pair another is using; {@link #toString()} shows only the public key, so a
 * pair can be logged without leaking the secret.
 */
public final class CurveKeyPair {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] publicKey;
    private final byte[] secretKey;

    private CurveKeyPair(byte[] publicKey, byte[] secretKey) {
        this.publicKey = publicKey;
        this.secretKey = secretKey;
    }

    /** A fresh pair from a {@link SecureRandom}, like libzmq's {@code zmq_curve_keypair}. */
    public static CurveKeyPair generate() {
        byte[] secret = new byte[CryptoBox.KEY_BYTES];
        X25519.generatePrivateKey(RANDOM, secret);
        return fromSecretOwned(secret);
    }

    /** The pair of {@code secret}, its public key derived as {@code zmq_curve_public} does. */
    public static CurveKeyPair fromSecret(byte[] secret) {
        checkKeyLength("secret key", secret.length);
        return fromSecretOwned(secret.clone());
    }

    /**
     * A pair from its 40-character Z85 keys, as found in configuration.
     *
     * @throws IllegalArgumentException if a key is malformed or the public key is not the one the
     *     secret key gives (two halves of different pairs)
     */
    public static CurveKeyPair fromZ85(String publicZ85, String secretZ85) {
        byte[] expectedPublic = decodeZ85Key("public key", publicZ85);
        CurveKeyPair pair = fromSecretOwned(decodeZ85Key("secret key", secretZ85));
        if (!Arrays.equals(expectedPublic, pair.publicKey)) {
            throw new IllegalArgumentException("public key " + publicZ85 + " does not belong to the secret key given");
        }
        return pair;
    }

    /**
     * Decodes a 32-byte key written as 40 Z85 characters or 64 hex digits. Errors say what is
     * wrong and where, but never repeat the text, which may be a secret key.
     */
    public static byte[] decodeKey(String z85OrHex) {
        if (z85OrHex == null) {
            throw new IllegalArgumentException("CURVE key is missing");
        }
        if (z85OrHex.length() == 64) {
            return decodeHex(z85OrHex);
        }
        if (z85OrHex.length() == 40) {
            return decodeZ85Key("CURVE key", z85OrHex);
        }
        throw new IllegalArgumentException("CURVE key must be 40 Z85 characters or 64 hex digits, got "
                + z85OrHex.length() + " characters");
    }

    /** A copy of the 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of the 32-byte secret key. */
    public byte[] secretKey() {
        return secretKey.clone();
    }

    public String publicKeyZ85() {
        return Z85.encode(publicKey);
    }

    public String secretKeyZ85() {
        return Z85.encode(secretKey);
    }

    /** Pairs are equal when their secret keys are (the public key follows from it). */
    @Override
    public boolean equals(Object o) {
        return o instanceof CurveKeyPair other
                && org.bouncycastle.util.Arrays.constantTimeAreEqual(secretKey, other.secretKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    /** Shows the public key only. */
    @Override
    public String toString() {
        return "CurveKeyPair[public=" + publicKeyZ85() + "]";
    }

    private static CurveKeyPair fromSecretOwned(byte[] secret) {
        byte[] pub = new byte[CryptoBox.KEY_BYTES];
        X25519.scalarMultBase(secret, 0, pub, 0);
        return new CurveKeyPair(pub, secret);
    }

    private static byte[] decodeZ85Key(String what, String z85) {
        if (z85 == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (z85.length() != 40) {
            throw new IllegalArgumentException(what + " must be 40 Z85 characters, got " + z85.length());
        }
        try {
            return Z85.decode(z85);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid Z85: " + e.getMessage(), e);
        }
    }

    private static byte[] decodeHex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < hex.length(); i++) {
            int digit = hexDigit(hex.charAt(i));
            if (digit < 0) {
                throw new IllegalArgumentException("CURVE key character at index " + i + " is not a hex digit");
            }
            out[i / 2] = (byte) (out[i / 2] << 4 | digit);
        }
        return out;
    }

    /** ASCII hex only: {@link Character#digit} would also take other scripts' digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static void checkKeyLength(String what, int length) {
        if (length != CryptoBox.KEY_BYTES) {
            throw new IllegalArgumentException(what + " must be " + CryptoBox.KEY_BYTES + " bytes, got " + length);
        }
    }
}
