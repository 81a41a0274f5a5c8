package io.zmtp.codec.curve;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Z85 decoding of any text: it either decodes to bytes that encode back to the same text, or
 * refuses with the documented {@link IllegalArgumentException}; nothing else may escape.
 */
class Z85FuzzTest {
    @FuzzTest
    void decode(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        byte[] decoded;
        try {
            decoded = Z85.decode(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(decoded).hasSize(text.length() / 5 * 4);
        assertThat(Z85.encode(decoded)).isEqualTo(text);
    }
}
