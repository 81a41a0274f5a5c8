package io.zmtp.codec.curve;

import io.zmtp.codec.curve.CryptoBox.AuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Known answers from NaCl's and libsodium's {@code box}, {@code box2}, {@code core1} and
 * {@code scalarmult} tests, then round trips and tampering.
 */
class CryptoBoxTest {
    private static final byte[] ALICE_SK = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] ALICE_PK = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_SK = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static final byte[] BOB_PK = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    /** crypto_box_beforenm(bobpk, alicesk), the "firstkey" of NaCl's tests. */
    private static final byte[] PRECOMPUTED = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    private static final byte[] NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final byte[] MESSAGE = hex(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
            + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
            + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    /** Tag (16 bytes) then ciphertext (131 bytes). */
    private static final byte[] BOX = hex(
            "f3ffc7703f9400e52a7dfb4b3d3305d9"
            + "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
            + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
            + "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
            + "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5");
    /** A point of order 8, refused by libsodium's box tests. */
    private static final byte[] SMALL_ORDER = hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Test
    void vectorLengths() {
        assertThat(MESSAGE).hasSize(131);
        assertThat(BOX).hasSize(CryptoBox.TAG_BYTES + 131);
        assertThat(NONCE).hasSize(CryptoBox.NONCE_BYTES);
        for (byte[] key : new byte[][] {ALICE_SK, ALICE_PK, BOB_SK, BOB_PK, PRECOMPUTED, SMALL_ORDER}) {
            assertThat(key).hasSize(CryptoBox.KEY_BYTES);
        }
    }

    @Test
    void publicKeyDerivation() {
        assertThat(CurveKeyPair.fromSecret(ALICE_SK).publicKey()).isEqualTo(ALICE_PK);
        assertThat(CurveKeyPair.fromSecret(BOB_SK).publicKey()).isEqualTo(BOB_PK);
    }

    @Test
    void beforenmMatchesNaclFromBothSides() {
        assertThat(CryptoBox.beforenm(BOB_PK, ALICE_SK)).isEqualTo(PRECOMPUTED);
        assertThat(CryptoBox.beforenm(ALICE_PK, BOB_SK)).isEqualTo(PRECOMPUTED);
    }

    @Test
    void sealMatchesNaclBox() {
        assertThat(CryptoBox.seal(PRECOMPUTED, NONCE, MESSAGE)).isEqualTo(BOX);
        assertThat(CryptoBox.seal(BOB_PK, ALICE_SK, NONCE, MESSAGE)).isEqualTo(BOX);
    }

    @Test
    void openMatchesNaclBoxOpen() throws GeneralSecurityException {
        assertThat(CryptoBox.open(PRECOMPUTED, NONCE, BOX)).isEqualTo(MESSAGE);
        assertThat(CryptoBox.open(ALICE_PK, BOB_SK, NONCE, BOX)).isEqualTo(MESSAGE);
    }

    @Test
    void offsetOverloadsUseOnlyTheirSlice() throws GeneralSecurityException {
        byte[] padded = new byte[7 + MESSAGE.length + 5];
        Arrays.fill(padded, (byte) 0x5a);
        System.arraycopy(MESSAGE, 0, padded, 7, MESSAGE.length);
        assertThat(CryptoBox.seal(PRECOMPUTED, NONCE, padded, 7, MESSAGE.length)).isEqualTo(BOX);

        byte[] paddedBox = new byte[3 + BOX.length + 9];
        Arrays.fill(paddedBox, (byte) 0xa5);
        System.arraycopy(BOX, 0, paddedBox, 3, BOX.length);
        assertThat(CryptoBox.open(PRECOMPUTED, NONCE, paddedBox, 3, BOX.length)).isEqualTo(MESSAGE);

        assertThatThrownBy(() -> CryptoBox.seal(PRECOMPUTED, NONCE, padded, 7, padded.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> CryptoBox.open(PRECOMPUTED, NONCE, paddedBox, -1, 20))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Sizes around the 64-byte Salsa20 blocks, the first of which starts with the 32-byte MAC key. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 31, 32, 33, 63, 64, 65, 96, 97, 1000, 65_536})
    void roundTripWithRandomKeys(int size) throws GeneralSecurityException {
        CurveKeyPair alice = CurveKeyPair.generate();
        CurveKeyPair bob = CurveKeyPair.generate();
        byte[] nonce = random(CryptoBox.NONCE_BYTES);
        byte[] message = random(size);

        byte[] box = CryptoBox.seal(bob.publicKey(), alice.secretKey(), nonce, message);

        assertThat(box).hasSize(CryptoBox.TAG_BYTES + size);
        assertThat(CryptoBox.open(alice.publicKey(), bob.secretKey(), nonce, box)).isEqualTo(message);
        assertThat(CryptoBox.beforenm(bob.publicKey(), alice.secretKey()))
                .isEqualTo(CryptoBox.beforenm(alice.publicKey(), bob.secretKey()));
        if (size >= 16) {
            assertThat(Arrays.copyOfRange(box, CryptoBox.TAG_BYTES, box.length)).isNotEqualTo(message);
        }
    }

    @Test
    void everyFlippedBitInTagOrCiphertextIsRejected() {
        for (int i = 0; i < BOX.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = BOX.clone();
                tampered[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> CryptoBox.open(PRECOMPUTED, NONCE, tampered))
                        .as("byte %d bit %d", i, bit)
                        .isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("does not verify");
            }
        }
    }

    @Test
    void wrongNonceOrKeyIsRejected() {
        byte[] nonce = NONCE.clone();
        nonce[23] ^= 1;
        assertThatThrownBy(() -> CryptoBox.open(PRECOMPUTED, nonce, BOX)).isInstanceOf(AuthenticationException.class);
        byte[] key = PRECOMPUTED.clone();
        key[0] ^= (byte) 0x80;
        assertThatThrownBy(() -> CryptoBox.open(key, NONCE, BOX)).isInstanceOf(AuthenticationException.class);
        // Bob cannot open a box he sealed for Alice with his own key pair as the peer.
        assertThatThrownBy(() -> CryptoBox.open(BOB_PK, BOB_SK, NONCE, BOX))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void truncatedBoxIsRejected() throws GeneralSecurityException {
        for (int length = 0; length < CryptoBox.TAG_BYTES; length++) {
            byte[] shortBox = new byte[length];
            assertThatThrownBy(() -> CryptoBox.open(PRECOMPUTED, NONCE, shortBox))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("shorter than its 16-byte tag");
        }
        assertThatThrownBy(() -> CryptoBox.open(PRECOMPUTED, NONCE, Arrays.copyOf(BOX, BOX.length - 1)))
                .isInstanceOf(AuthenticationException.class);
        byte[] empty = CryptoBox.seal(PRECOMPUTED, NONCE, new byte[0]);
        assertThat(CryptoBox.open(PRECOMPUTED, NONCE, empty)).isEmpty();
    }

    @Test
    void lowOrderPublicKeyIsRefused() {
        assertThatThrownBy(() -> CryptoBox.beforenm(SMALL_ORDER, ALICE_SK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low-order");
        assertThatThrownBy(() -> CryptoBox.beforenm(new byte[32], ALICE_SK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low-order");
    }

    @Test
    void wrongLengthsAreProgrammingErrors() {
        assertThatThrownBy(() -> CryptoBox.beforenm(new byte[31], ALICE_SK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("public key must be 32 bytes, got 31");
        assertThatThrownBy(() -> CryptoBox.beforenm(BOB_PK, new byte[33]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret key must be 32 bytes, got 33");
        assertThatThrownBy(() -> CryptoBox.seal(PRECOMPUTED, new byte[12], MESSAGE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nonce must be 24 bytes, got 12");
        assertThatThrownBy(() -> CryptoBox.open(new byte[16], NONCE, BOX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("precomputed key must be 32 bytes, got 16");
    }
}
