package io.zmtp.config.agent;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.Snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's cache file with any content (a full disk, a hand edit, an attacker with write access):
 * reading it gives nothing, or a snapshot whose digest is that of its content and whose namespace
 * is the one asked for; failures are an {@link IOException} (not JSON) or an
 * {@link IllegalArgumentException} (bad base64), which the agent catches and starts empty.
 */
class CacheFileFuzzTest {
    private static final String NS = "app/web";

    @FuzzTest
    void cache(byte[] input) throws IOException {
        Path dir = Files.createTempDirectory("cache");
        Path file = dir.resolve(CacheFile.fileName(NS) + ".cache.json");
        try {
            Files.write(file, input);
            Optional<Snapshot> s;
            try {
                s = CacheFile.readCache(dir, NS);
            } catch (IOException | IllegalArgumentException unreadable) {
                return;
            }
            if (s.isPresent()) {
                assertThat(s.get().namespace()).isEqualTo(NS);
                assertThat(Digest.of(s.get().entries())).isEqualTo(s.get().digest());
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
