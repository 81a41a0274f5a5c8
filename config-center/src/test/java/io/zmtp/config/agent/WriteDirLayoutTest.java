package io.zmtp.config.agent;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A namespace's file in the write dir: a directory per segment, and a name that could lead out of
 * the directory (or share a file with another namespace) refused with a reason.
 */
class WriteDirLayoutTest {
    private static final Path DIR = Path.of("/srv/config");

    @Test
    void aNamespaceIsADirectoryPerSegment() {
        assertThat(WriteDirLayout.file(DIR, "app/web", ".json")).isEqualTo(Path.of("/srv/config/app/web.json"));
        assertThat(WriteDirLayout.file(DIR, "app", ".properties")).isEqualTo(Path.of("/srv/config/app.properties"));
        assertThat(WriteDirLayout.file(DIR, "a/b-c/d_e.f", ".json")).isEqualTo(Path.of("/srv/config/a/b-c/d_e.f.json"));
        assertThat(WriteDirLayout.file(Path.of("relative/dir"), "app/web", ".json"))
                .isEqualTo(Path.of("relative/dir/app/web.json").toAbsolutePath());
        assertThat(WriteDirLayout.problem("app/web")).isNull();
    }

    @Test
    void hostileNamesAreRefusedWithAReason() {
        assertRefused("../etc/passwd", "'..'");
        assertRefused("app/../../etc", "'..'");
        assertRefused("app/..", "'..'");
        assertRefused("/etc/passwd", "must not start with '/'");
        assertRefused("app//web", "empty segment");
        assertRefused("app/", "empty segment");
        assertRefused("app/./web", "'.' segment");
        assertRefused(".", "'.' segment");
        assertRefused("app/.", "'.' segment");
        assertRefused("", "empty");
        assertRefused("app\\..\\x", "character U+005C");
        assertRefused("C:/x", "character U+003A");
        assertRefused("a\u0000b", "character U+0000");
        assertRefused("x".repeat(201), "at most 200");
    }

    private static void assertRefused(String namespace, String says) {
        assertThat(WriteDirLayout.problem(namespace)).as(namespace).contains(says);
        assertThatThrownBy(() -> WriteDirLayout.file(DIR, namespace, ".json")).as(namespace)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(says);
    }

    /** Whatever the name, a file it is given lies strictly inside the directory, and only a valid name gets one. */
    @Property(tries = 2000)
    void noNameLeadsOutOfTheDirectory(@ForAll @StringLength(max = 12) @Chars({'a', '/', '.', '\\', '-'}) String namespace) {
        Path file;
        try {
            file = WriteDirLayout.file(DIR, namespace, ".json");
        } catch (IllegalArgumentException refused) {
            assertThat(WriteDirLayout.problem(namespace)).isNotNull();
            return;
        }
        assertThat(WriteDirLayout.problem(namespace)).isNull();
        assertThat(file.startsWith(DIR)).as(file.toString()).isTrue();
        assertThat(file.getNameCount()).isGreaterThan(DIR.getNameCount());
        assertThat(file.normalize()).isEqualTo(file);
        assertThat(DIR.relativize(file).toString()).isEqualTo(namespace + ".json");
    }
}
