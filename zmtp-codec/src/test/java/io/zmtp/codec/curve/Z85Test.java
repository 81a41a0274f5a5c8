package io.zmtp.codec.curve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Z85Test {
    private static final String ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void rfc32TestVector() {
        byte[] data = hex("864FD26FB559F75B");
        assertThat(Z85.encode(data)).isEqualTo("HelloWorld");
        assertThat(Z85.decode("HelloWorld")).isEqualTo(data);
    }

    /** The server key of libzmq's CURVE examples, as its Lua binding's tests give it in binary. */
    @Test
    void libzmqExampleServerKey() {
        byte[] key = hex("54fcba24e93249969316fb617c872bb0c1d1ff14800427c594cbfacf1bc2d652");
        String text = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
        assertThat(Z85.encode(key)).isEqualTo(text);
        assertThat(Z85.decode(text)).isEqualTo(key);
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        assertThat(Z85.encode(new byte[0])).isEmpty();
        assertThat(Z85.decode("")).isEmpty();
    }

    @Test
    void groupBoundaries() {
        assertThat(Z85.encode(new byte[4])).isEqualTo("00000");
        assertThat(Z85.encode(hex("FFFFFFFF"))).isEqualTo("%nSc0");
        assertThat(Z85.decode("%nSc0")).isEqualTo(hex("FFFFFFFF"));
        assertThat(Z85.decode("00000")).isEqualTo(new byte[4]);
        assertThat(Z85.encode(hex("00000055"))).isEqualTo("00010");
    }

    @Test
    void everyCharacterDecodesToItsIndex() {
        for (int i = 0; i < ALPHABET.length(); i++) {
            byte[] decoded = Z85.decode("0000" + ALPHABET.charAt(i));
            assertThat(decoded).isEqualTo(new byte[] {0, 0, 0, (byte) i});
        }
    }

    /** Random round trips; plain JUnit (not jqwik) so the class has one engine and one report. */
    @Test
    void roundTrip() {
        long seed = new SecureRandom().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            byte[] data = new byte[4 * random.nextInt(41)];
            random.nextBytes(data);
            String text = Z85.encode(data);
            assertThat(text).as("seed %d, try %d", seed, i).hasSize(data.length / 4 * 5);
            assertThat(text.chars()).as("seed %d, try %d", seed, i).allMatch(c -> ALPHABET.indexOf(c) >= 0);
            assertThat(Z85.decode(text)).as("seed %d, try %d", seed, i).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 6, 7, 33})
    void encodeRejectsPartialGroup(int length) {
        assertThatThrownBy(() -> Z85.encode(new byte[length]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(length + " bytes is not a multiple of 4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "00", "000", "0000", "000000", "HelloWorl"})
    void decodeRejectsPartialGroup(String text) {
        assertThatThrownBy(() -> Z85.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.length() + " characters is not a multiple of 5");
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\"", "'", ",", ";", "\\", "_", "`", "|", "~", "\u007f", "\u0000", "\n", "\u00e9",
            "\u0130", "\uff10"})
    void decodeRejectsCharacterOutsideAlphabet(String bad) {
        String text = "Hello" + "Wor" + bad + "d";
        assertThatThrownBy(() -> Z85.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("character at index 8 is not in the Z85 alphabet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%nSc1", "#####", "$0000", "%nSd0"})
    void decodeRejectsGroupAboveTwoToThe32(String group) {
        assertThatThrownBy(() -> Z85.decode("HelloWorld" + group))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Z85 group at index 10 decodes to more than 2^32-1");
    }
}
