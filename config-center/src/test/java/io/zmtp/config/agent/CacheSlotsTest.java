package io.zmtp.config.agent;

import io.zmtp.config.model.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cache's two files: the newer good one is read; a file cut short (a crash in the middle of a
 * write) leaves the other in use; a cache written by an older agent (one file, no sequence number)
 * is still read; a shorter write over a longer file leaves no tail behind.
 */
class CacheSlotsTest {
    private static final String NS = "app/web";

    @TempDir
    Path dir;

    private static Snapshot snapshot(long rev, String value) {
        TreeMap<String, byte[]> m = new TreeMap<>();
        m.put("k", value.getBytes(StandardCharsets.UTF_8));
        return Snapshot.of(NS, rev, m);
    }

    private Path slot(int i) {
        return dir.resolve(CacheFile.fileName(NS) + CacheFile.SLOTS[i]);
    }

    @Test
    void theNewerGoodSlotIsReadAndATornOneLeavesTheOther() throws Exception {
        CacheFile.writeCache(dir, snapshot(1, "one"), 0, 1);
        CacheFile.writeCache(dir, snapshot(2, "two"), 1, 2);
        CacheFile.Cached c = CacheFile.readNewest(dir, NS).orElseThrow();
        assertThat(c.snapshot().revision()).isEqualTo(2);
        assertThat(c.slot()).isEqualTo(1);
        assertThat(c.seq()).isEqualTo(2);

        byte[] whole = Files.readAllBytes(slot(1));
        Files.write(slot(1), Arrays.copyOf(whole, whole.length / 2));  // the write of r2 cut short
        c = CacheFile.readNewest(dir, NS).orElseThrow();
        assertThat(c.snapshot().revision()).isEqualTo(1);
        assertThat(c.slot()).isZero();

        // The next write goes over the torn slot; the sequence, not the revision, says which is newer.
        CacheFile.writeCache(dir, snapshot(1, "rebuilt"), 1, 3);
        assertThat(CacheFile.readNewest(dir, NS).orElseThrow().snapshot().get("k")).hasValue("rebuilt".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aShorterWriteLeavesNoTailAndAnOldSingleFileCacheIsRead() throws Exception {
        CacheFile.writeCache(dir, snapshot(5, "x".repeat(10_000)), 0, 7);
        CacheFile.writeCache(dir, snapshot(6, "short"), 0, 8);
        assertThat(Files.size(slot(0))).isLessThan(1000);
        assertThat(CacheFile.readNewest(dir, NS).orElseThrow().snapshot().revision()).isEqualTo(6);

        // What an agent before the two slots wrote: one file, no "seq".
        String legacy = new String(Files.readAllBytes(slot(0)), StandardCharsets.UTF_8).replace("\"seq\":8,", "");
        assertThat(legacy).doesNotContain("seq");
        Files.writeString(slot(0), legacy);
        CacheFile.Cached c = CacheFile.readNewest(dir, NS).orElseThrow();
        assertThat(c.snapshot().revision()).isEqualTo(6);
        assertThat(c.seq()).isZero();
    }

    @Test
    void theAgentsWriterTakesTurnsKeepsNoTailAndMakesARemovedDirectoryAgain() throws Exception {
        Path cache = dir.resolve("cache");
        try (CacheFile.Writer w = new CacheFile.Writer(cache, NS, 0, 1)) {
            w.write(snapshot(1, "x".repeat(5000)));
            w.write(snapshot(2, "y".repeat(5000)));
            w.write(snapshot(3, "short"));  // over r1's longer file, in slot 0
            CacheFile.Cached c = CacheFile.readNewest(cache, NS).orElseThrow();
            assertThat(c.snapshot().revision()).isEqualTo(3);
            assertThat(c.slot()).isZero();
            assertThat(c.seq()).isEqualTo(3);
            assertThat(Files.size(cache.resolve(CacheFile.fileName(NS) + CacheFile.SLOTS[0]))).isLessThan(1000);

            // Somebody removes the cache directory while the agent runs: the next writes make it again.
            try (var files = Files.list(cache)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(cache);
            // Checked at most once a second: the writes go on until one finds the files gone.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> {
                        w.write(snapshot(4, "four"));
                        w.write(snapshot(5, "five"));
                        return Files.isDirectory(cache);
                    });
            assertThat(CacheFile.readNewest(cache, NS).orElseThrow().snapshot().revision()).isEqualTo(5);
        }
    }

    @Test
    void whenNoSlotIsGoodTheFailureIsReportedAndAnEmptyDirectoryHasNoCache() throws Exception {
        assertThat(CacheFile.readNewest(dir, NS)).isEmpty();
        Files.writeString(slot(0), "{ not json");
        Files.writeString(slot(1), "also not json");
        assertThatThrownBy(() -> CacheFile.readNewest(dir, NS)).isInstanceOf(java.io.IOException.class);
        CacheFile.writeCache(dir, snapshot(3, "good"), 1, 1);
        assertThat(CacheFile.readNewest(dir, NS).orElseThrow().snapshot().revision()).isEqualTo(3);
    }
}
