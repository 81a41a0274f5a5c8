package io.zmtp.config.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespacesTest {

    @Test
    void acceptsPortableNames() {
        for (String ok : new String[] {"a", "app/prod", "svc.db-primary_1", "a/b/c", "x".repeat(200), "a.b", "trailing/"}) {
            assertThat(Namespaces.validate(ok)).isEqualTo(ok);
            assertThat(Namespaces.isValid(ok)).isTrue();
        }
    }

    @Test
    void rejectsWithClearReasons() {
        assertThatThrownBy(() -> Namespaces.validate(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> Namespaces.validate("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Namespaces.validate("x".repeat(201))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("201");
        assertThatThrownBy(() -> Namespaces.validate("/abs")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start with '/'");
        assertThatThrownBy(() -> Namespaces.validate("a/../b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> Namespaces.validate("a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+0020");
        assertThatThrownBy(() -> Namespaces.validate("caf\u00e9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+00E9");
        assertThatThrownBy(() -> Namespaces.validate("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+000A");
        assertThat(Namespaces.isValid("a:b")).isFalse();
    }
}
