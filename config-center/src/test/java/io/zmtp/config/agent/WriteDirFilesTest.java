package io.zmtp.config.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zmtp.config.model.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's write dir as its readers see it: {@code app/web.json} under the directory, whole
 * text files that end with a newline, replaced by a rename (no temporary file left beside them),
 * nothing written for a name that cannot be a file there, and the file older versions wrote
 * ({@code app%2Fweb.json}) found so the agent can say it is stale.
 */
class WriteDirFilesTest {
    @TempDir
    Path dir;

    private static Snapshot snapshot(String ns, long rev, String... keyValues) {
        TreeMap<String, byte[]> m = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return Snapshot.of(ns, rev, m);
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    @Test
    void aJsonFileLiesAtItsNamespacesPathAndEndsWithANewline() throws Exception {
        CacheFile.writePlain(dir, snapshot("app/web", 1, "port", "8080", "threads", "16"), "json");
        Path file = dir.resolve("app/web.json");
        String text = Files.readString(file);
        assertThat(text).endsWith("}\n");
        JsonNode json = new ObjectMapper().readTree(text);
        assertThat(json.path("port").asText()).isEqualTo("8080");
        assertThat(json.path("threads").asText()).isEqualTo("16");
        assertThat(allFiles()).containsExactly(Path.of("app/web.json"));
    }

    @Test
    void aPropertiesFileEndsWithANewlineToo() throws Exception {
        CacheFile.writePlain(dir, snapshot("app/db/main", 3, "url", "jdbc:postgresql://db/app"), "properties");
        Path file = dir.resolve("app/db/main.properties");
        String text = Files.readString(file);
        assertThat(text).endsWith("\n").contains("app/db/main revision 3");
        Properties p = new Properties();
        p.load(new StringReader(text));
        assertThat(p.getProperty("url")).isEqualTo("jdbc:postgresql://db/app");
    }

    @Test
    void anEmptyNamespaceIsStillATextFile() throws Exception {
        CacheFile.writePlain(dir, snapshot("app", 0), "json");
        assertThat(Files.readString(dir.resolve("app.json"))).endsWith("\n");
        assertThat(new ObjectMapper().readTree(dir.resolve("app.json").toFile()).size()).isZero();
    }

    @Test
    void aNewRevisionReplacesTheFileWholeAndLeavesNothingBeside() throws Exception {
        CacheFile.writePlain(dir, snapshot("app/web", 1, "port", "8080", "long", "x".repeat(10_000)), "json");
        CacheFile.writePlain(dir, snapshot("app/web", 2, "port", "9090"), "json");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("app/web.json").toFile());
        assertThat(json.path("port").asText()).isEqualTo("9090");
        assertThat(json.has("long")).isFalse();
        assertThat(allFiles()).containsExactly(Path.of("app/web.json"));
    }

    @Test
    void aNameThatCannotBeAFileHereIsRefusedAndNothingIsWritten() throws Exception {
        for (String ns : List.of("app//web", "app/", "app/./web", "./web")) {
            assertThatThrownBy(() -> CacheFile.writePlain(dir, snapshot(ns, 1, "k", "v"), "json")).as(ns)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ns);
        }
        assertThat(allFiles()).isEmpty();
    }

    @Test
    void theFileOlderVersionsWroteIsFoundSoTheAgentCanSayItIsStale() throws Exception {
        assertThat(CacheFile.formerPlainFile(dir, "app/web", "json")).isEmpty();
        Path former = Files.writeString(dir.resolve("app%2Fweb.json"), "{}");
        assertThat(CacheFile.formerPlainFile(dir, "app/web", "json")).contains(former);
        assertThat(CacheFile.formerPlainFile(dir, "app/web", "properties")).isEmpty();
        // Without a '/' (or '%') the name never changed: that file is today's.
        Files.writeString(dir.resolve("app.json"), "{}");
        assertThat(CacheFile.formerPlainFile(dir, "app", "json")).isEmpty();
    }

    @Test
    void anAgentRefusesAtStartANamespaceThatCannotBeAFileInItsWriteDir() {
        ConfigAgent.Builder b = ConfigAgent.builder().server("tcp://127.0.0.1:1", "tcp://127.0.0.1:2")
                .node("web-1", "pw").namespaces("app/web", "app//db").writeDir(dir, "json");
        assertThatThrownBy(b::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("app//db").hasMessageContaining("empty segment");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void theCacheKeepsItsFlatNameSoARestartedAgentFindsWhatAnOlderOneWrote() throws Exception {
        CacheFile.writeCache(dir, snapshot("app/web", 4, "port", "8080"), 0, 1);
        assertThat(dir.resolve("app%2Fweb" + CacheFile.SLOTS[0])).exists();
        assertThat(CacheFile.readCache(dir, "app/web").orElseThrow().revision()).isEqualTo(4);
    }
}
