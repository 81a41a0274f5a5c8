package io.zmtp.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Untrusted text never carries a control character into a log line, and never runs long. */
class UntrustedTextTest {
    @Test
    void escapesAnsiNewlinesAndBackslashesVisibly() {
        assertThat(UntrustedText.of("ops\u001b[2J\nFAKE ROW\r\tx\\y")).isEqualTo("ops\\u001b[2J\\nFAKE ROW\\r\\tx\\\\y");
        assertThat(UntrustedText.of("a\u0085b\u007fc\u2028d\u202ee")).isEqualTo("a\\u0085b\\u007fc\\u2028d\\u202ee");
        assertThat(UntrustedText.of("caf\u00e9 \u65e5\u672c \ud83d\ude00")).isEqualTo("caf\u00e9 \u65e5\u672c \ud83d\ude00");
        assertThat(UntrustedText.of("lone \ud800 surrogate")).isEqualTo("lone \\ud800 surrogate");
        assertThat(UntrustedText.of((String) null)).isEqualTo("(none)");
        assertThat(UntrustedText.of("bad \u00ff".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("bad \ufffd");
    }

    @Test
    void cutsWithAnEllipsisNeverInsideAnEscape() {
        assertThat(UntrustedText.of("abcdef", 6)).isEqualTo("abcdef");
        assertThat(UntrustedText.of("abcdefg", 6)).isEqualTo("abcde\u2026");
        assertThat(UntrustedText.of("ab\u001bcdef", 8)).isEqualTo("ab\u2026");
        assertThat(UntrustedText.of("x".repeat(100_000))).hasSize(UntrustedText.DEFAULT_MAX).endsWith("\u2026");
        assertThatThrownBy(() -> UntrustedText.of("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 2000)
    void neverAControlCharacterNorLongerThanTheCap(@ForAll("hostile") String text, @ForAll @IntRange(min = 1, max = 300) int max) {
        String shown = UntrustedText.of(text, max);
        assertThat(shown.length()).isLessThanOrEqualTo(max);
        assertThat(shown.chars().filter(Character::isISOControl).count()).isZero();
        assertThat(shown.codePoints().filter(cp -> Character.getType(cp) == Character.FORMAT
                || Character.getType(cp) == Character.LINE_SEPARATOR || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR
                || Character.getType(cp) == Character.SURROGATE).count()).isZero();
        if (text.length() <= max && text.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '\\')) {
            assertThat(shown).isEqualTo(text);
        }
    }

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(400),
                Arbitraries.strings().withChars("\u001b[2J\n\r\t\\\u0000\u007f\u0085\u2028\u202e\ud800\udc00abc").ofMaxLength(400),
                Arbitraries.strings().ascii().ofMaxLength(50));
    }
}
