package io.zmtp.codec.curve;

import org.bouncycastle.math.ec.rfc7748.X25519;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The small pieces CurveZMQ (RFC 26) builds its commands from: nonce layouts, randomness,
 * transient keys, comparison and wiping. Package-private; the boxes themselves are {@link CryptoBox}.
 */
final class CurveCrypto {
    static final int KEY = CryptoBox.KEY_BYTES;
    static final int TAG = CryptoBox.TAG_BYTES;

    static final byte[] HELLO_PREFIX = ascii("CurveZMQHELLO---");
    static final byte[] INITIATE_PREFIX = ascii("CurveZMQINITIATE");
    static final byte[] READY_PREFIX = ascii("CurveZMQREADY---");
    /** MESSAGE nonces from the client to the server. */
    static final byte[] MESSAGE_FROM_CLIENT = ascii("CurveZMQMESSAGEC");
    /** MESSAGE nonces from the server to the client. */
    static final byte[] MESSAGE_FROM_SERVER = ascii("CurveZMQMESSAGES");
    static final byte[] WELCOME_PREFIX = ascii("WELCOME-");
    static final byte[] COOKIE_PREFIX = ascii("COOKIE--");
    static final byte[] VOUCH_PREFIX = ascii("VOUCH---");

    private static final SecureRandom RANDOM = new SecureRandom();

    private CurveCrypto() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A short nonce: the 16-byte prefix, then the counter as 8 bytes big-endian. */
    static byte[] shortNonce(byte[] prefix16, long counter) {
        byte[] n = Arrays.copyOf(prefix16, CryptoBox.NONCE_BYTES);
        for (int i = 0; i < 8; i++) {
            n[23 - i] = (byte) (counter >>> (8 * i));
        }
        return n;
    }

    /** A long nonce: the 8-byte prefix, then 16 bytes ({@code random16[offset..offset+16)}). */
    static byte[] longNonce(byte[] prefix8, byte[] random16, int offset) {
        byte[] n = Arrays.copyOf(prefix8, CryptoBox.NONCE_BYTES);
        System.arraycopy(random16, offset, n, 8, 16);
        return n;
    }

    static byte[] random(int length) {
        byte[] b = new byte[length];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A fresh X25519 secret key, for a connection's transient key pair. */
    static byte[] newSecretKey() {
        byte[] secret = new byte[KEY];
        X25519.generatePrivateKey(RANDOM, secret);
        return secret;
    }

    static byte[] publicKeyOf(byte[] secret) {
        byte[] pub = new byte[KEY];
        X25519.scalarMultBase(secret, 0, pub, 0);
        return pub;
    }

    /** Constant-time comparison of {@code a} with {@code length} bytes of {@code b} from {@code offset}. */
    static boolean equalAt(byte[] a, byte[] b, int offset) {
        return MessageDigest.isEqual(a, Arrays.copyOfRange(b, offset, offset + a.length));
    }

    static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }
}
