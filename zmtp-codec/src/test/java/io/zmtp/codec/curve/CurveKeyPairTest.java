package io.zmtp.codec.curve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurveKeyPairTest {
    // The example key pairs of libzmq's CURVE tests and documentation.
    private static final String SERVER_PUBLIC = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    private static final String SERVER_SECRET = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
    private static final String CLIENT_PUBLIC = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
    private static final String CLIENT_SECRET = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";
    private static final String SERVER_PUBLIC_HEX = "54fcba24e93249969316fb617c872bb0c1d1ff14800427c594cbfacf1bc2d652";

    private static final String ALICE_SK_HEX = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private static final String ALICE_PK_HEX = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void generateGivesConsistentDistinctPairs() {
        CurveKeyPair a = CurveKeyPair.generate();
        CurveKeyPair b = CurveKeyPair.generate();
        assertThat(a.publicKey()).hasSize(32);
        assertThat(a.secretKey()).hasSize(32);
        assertThat(CurveKeyPair.fromSecret(a.secretKey()).publicKey()).isEqualTo(a.publicKey());
        assertThat(a.secretKey()).isNotEqualTo(b.secretKey());
        assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void fromSecretDerivesThePublicKey() {
        CurveKeyPair alice = CurveKeyPair.fromSecret(hex(ALICE_SK_HEX));
        assertThat(alice.publicKey()).isEqualTo(hex(ALICE_PK_HEX));
        assertThat(alice.secretKey()).isEqualTo(hex(ALICE_SK_HEX));
    }

    @Test
    void libzmqExamplePairsAreConsistent() {
        CurveKeyPair server = CurveKeyPair.fromZ85(SERVER_PUBLIC, SERVER_SECRET);
        CurveKeyPair client = CurveKeyPair.fromZ85(CLIENT_PUBLIC, CLIENT_SECRET);
        assertThat(server.publicKey()).isEqualTo(hex(SERVER_PUBLIC_HEX));
        assertThat(server.publicKeyZ85()).isEqualTo(SERVER_PUBLIC);
        assertThat(server.secretKeyZ85()).isEqualTo(SERVER_SECRET);
        assertThat(client.publicKeyZ85()).isEqualTo(CLIENT_PUBLIC);
        assertThat(CurveKeyPair.fromSecret(CurveKeyPair.decodeKey(SERVER_SECRET))).isEqualTo(server);
    }

    @Test
    void fromZ85RejectsHalvesOfDifferentPairs() {
        assertThatThrownBy(() -> CurveKeyPair.fromZ85(CLIENT_PUBLIC, SERVER_SECRET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the secret key")
                .hasMessageNotContaining(SERVER_SECRET);
    }

    @Test
    void fromZ85RejectsMalformedKeys() {
        assertThatThrownBy(() -> CurveKeyPair.fromZ85(SERVER_PUBLIC, SERVER_SECRET.substring(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret key must be 40 Z85 characters, got 35");
        assertThatThrownBy(() -> CurveKeyPair.fromZ85(SERVER_PUBLIC, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret key is missing");
        assertThatThrownBy(() -> CurveKeyPair.fromZ85(SERVER_PUBLIC.replace('r', '~'), SERVER_SECRET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("public key is not valid Z85: character at index 0 is not in the Z85 alphabet");
    }

    @Test
    void z85RoundTrip() {
        CurveKeyPair pair = CurveKeyPair.generate();
        assertThat(pair.publicKeyZ85()).hasSize(40);
        assertThat(pair.secretKeyZ85()).hasSize(40);
        CurveKeyPair back = CurveKeyPair.fromZ85(pair.publicKeyZ85(), pair.secretKeyZ85());
        assertThat(back).isEqualTo(pair).hasSameHashCodeAs(pair);
        assertThat(back.publicKey()).isEqualTo(pair.publicKey());
        assertThat(back.secretKey()).isEqualTo(pair.secretKey());
    }

    @Test
    void decodeKeyAcceptsZ85AndHexInEitherCase() {
        byte[] expected = hex(SERVER_PUBLIC_HEX);
        assertThat(CurveKeyPair.decodeKey(SERVER_PUBLIC)).isEqualTo(expected);
        assertThat(CurveKeyPair.decodeKey(SERVER_PUBLIC_HEX)).isEqualTo(expected);
        assertThat(CurveKeyPair.decodeKey(SERVER_PUBLIC_HEX.toUpperCase(Locale.ROOT))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 32, 39, 41, 63, 65, 80})
    void decodeKeyRejectsOtherLengths(int length) {
        assertThatThrownBy(() -> CurveKeyPair.decodeKey("0".repeat(length)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CURVE key must be 40 Z85 characters or 64 hex digits, got " + length + " characters");
    }

    @Test
    void decodeKeyRejectsNull() {
        assertThatThrownBy(() -> CurveKeyPair.decodeKey(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CURVE key is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"g", "G", " ", "x", "\u0660", "\uff10", "-"})
    void decodeKeyRejectsNonHexDigit(String bad) {
        String key = SERVER_PUBLIC_HEX.substring(0, 10) + bad + SERVER_PUBLIC_HEX.substring(11);
        assertThatThrownBy(() -> CurveKeyPair.decodeKey(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CURVE key character at index 10 is not a hex digit");
    }

    @Test
    void decodeKeyRejectsBadZ85WithoutEchoingIt() {
        String badChar = CLIENT_SECRET.substring(0, 7) + "~" + CLIENT_SECRET.substring(8);
        assertThatThrownBy(() -> CurveKeyPair.decodeKey(badChar))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CURVE key is not valid Z85: character at index 7 is not in the Z85 alphabet");
        String overflow = CLIENT_SECRET.substring(0, 35) + "#####";
        assertThatThrownBy(() -> CurveKeyPair.decodeKey(overflow))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CURVE key is not valid Z85: Z85 group at index 35 decodes to more than 2^32-1");
    }

    @Test
    void fromSecretRejectsWrongLength() {
        assertThatThrownBy(() -> CurveKeyPair.fromSecret(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret key must be 32 bytes, got 31");
    }

    @Test
    void keysAreCopiedInAndOut() {
        byte[] secret = hex(ALICE_SK_HEX);
        CurveKeyPair pair = CurveKeyPair.fromSecret(secret);
        secret[0] ^= 1;
        pair.secretKey()[0] ^= 1;
        pair.publicKey()[0] ^= 1;
        assertThat(pair.secretKey()).isEqualTo(hex(ALICE_SK_HEX));
        assertThat(pair.publicKey()).isEqualTo(hex(ALICE_PK_HEX));
    }

    @Test
    void toStringShowsPublicKeyButNotSecret() {
        CurveKeyPair server = CurveKeyPair.fromZ85(SERVER_PUBLIC, SERVER_SECRET);
        assertThat(server.toString())
                .contains(SERVER_PUBLIC)
                .doesNotContain(SERVER_SECRET)
                .doesNotContainIgnoringCase(HexFormat.of().formatHex(server.secretKey()));
    }
}
