package io.zmtp.config.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeTest {

    @Test
    void factories() {
        Change put = Change.put("a", "h\u00e9");
        assertThat(put.key()).isEqualTo("a");
        assertThat(put.value()).isEqualTo("h\u00e9".getBytes(StandardCharsets.UTF_8));
        assertThat(put.isDelete()).isFalse();
        Change delete = Change.delete("a");
        assertThat(delete.value()).isNull();
        assertThat(delete.isDelete()).isTrue();
        assertThat(Change.put("a", new byte[0]).isDelete()).isFalse();
    }

    @Test
    void equalityIsOverContent() {
        assertThat(Change.put("k", new byte[] {1, 2})).isEqualTo(Change.put("k", new byte[] {1, 2}))
                .hasSameHashCodeAs(Change.put("k", new byte[] {1, 2}));
        assertThat(Change.put("k", new byte[] {1, 2})).isNotEqualTo(Change.put("k", new byte[] {1, 3}));
        assertThat(Change.put("k", new byte[0])).isNotEqualTo(Change.delete("k"));
        assertThat(Change.delete("k")).isEqualTo(Change.delete("k")).isNotEqualTo(Change.delete("j"));
    }

    @Test
    void toStringShowsLengthNotContent() {
        assertThat(Change.put("password", "hunter2").toString()).contains("password").contains("7 bytes")
                .doesNotContain("hunter2");
        assertThat(Change.delete("gone").toString()).contains("delete").contains("gone");
    }

    @Test
    void valueIsCopied() {
        byte[] mine = {1, 2, 3};
        Change c = Change.put("k", mine);
        mine[0] = 9;
        assertThat(c.value()).containsExactly(1, 2, 3);
    }

    @Test
    void keyRules() {
        assertThat(Change.delete("x".repeat(1024)).key()).hasSize(1024);
        assertThat(Change.delete("a b/\u00e9\ud83d\ude00").key()).isNotEmpty();
        assertThatThrownBy(() -> Change.delete("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Change.delete(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> Change.delete("x".repeat(1025))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1025");
        // Counted in code points, as PROTOCOL.md says: 1024 emoji (2048 UTF-16 units) are allowed.
        String smiley = "\ud83d\ude00";
        assertThat(Change.delete(smiley.repeat(1024)).key()).hasSize(2048);
        assertThatThrownBy(() -> Change.delete(smiley.repeat(1025))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1025 code points");
        assertThatThrownBy(() -> Change.delete("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+000A").hasMessageContaining("index 1");
        assertThatThrownBy(() -> Change.delete("a\u0000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control");
        assertThatThrownBy(() -> Change.delete("\u0085")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control");
        assertThatThrownBy(() -> Change.delete("a\ud83d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Change.delete("\ude00a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
    }

    @Test
    void putRefusesNullValue() {
        assertThatThrownBy(() -> Change.put("k", (byte[]) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delete");
        assertThatThrownBy(() -> Change.put("k", (String) null)).isInstanceOf(IllegalArgumentException.class);
    }
}
