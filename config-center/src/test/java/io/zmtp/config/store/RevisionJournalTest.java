package io.zmtp.config.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RevisionJournalTest {
    @TempDir
    Path dir;

    private static RevisionJournal.Entry entry(long rev, int valueBytes) {
        byte[] changes = new byte[valueBytes];
        Arrays.fill(changes, (byte) rev);
        return new RevisionJournal.Entry("ns/é", rev, "d" + rev, "author " + rev, Instant.ofEpochSecond(1_700_000_000L + rev, 123_456_789),
                "message " + rev, changes, ("undo " + rev).getBytes(StandardCharsets.UTF_8));
    }

    private List<RevisionJournal.Entry> reopen() {
        List<RevisionJournal.Entry> read = new ArrayList<>();
        RevisionJournal.open(dir, read::add).close();
        return read;
    }

    private static void assertSame(RevisionJournal.Entry actual, RevisionJournal.Entry expected) {
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
    }

    @Test
    void recordsComeBackInOrder() {
        try (RevisionJournal j = RevisionJournal.open(dir, e -> { })) {
            for (int rev = 1; rev <= 20; rev++) {
                j.append(entry(rev, rev * 37));
            }
        }
        List<RevisionJournal.Entry> read = reopen();
        assertThat(read).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertSame(read.get(i), entry(i + 1, (i + 1) * 37));
        }
    }

    @Test
    void everyCutInTheLastRecordLeavesTheWholeOnes() throws Exception {
        try (RevisionJournal j = RevisionJournal.open(dir, e -> { })) {
            j.append(entry(1, 10));
            j.append(entry(2, 10));
        }
        Path file = dir.resolve(RevisionJournal.FILE_NAME);
        byte[] full = Files.readAllBytes(file);
        List<RevisionJournal.Entry> two = reopen();
        int firstEnd = full.length / 2; // both records have the same size
        for (int cut = firstEnd; cut < full.length; cut++) {
            Files.write(file, Arrays.copyOf(full, cut));
            List<RevisionJournal.Entry> read = reopen();
            assertThat(read).as("cut at %d", cut).hasSize(1);
            assertSame(read.get(0), two.get(0));
            assertThat(Files.size(file)).as("cut off at the last whole record").isEqualTo(firstEnd);
        }
    }

    @Test
    void aFlippedBitEndsTheJournalThere() throws Exception {
        try (RevisionJournal j = RevisionJournal.open(dir, e -> { })) {
            j.append(entry(1, 10));
            j.append(entry(2, 10));
            j.append(entry(3, 10));
        }
        Path file = dir.resolve(RevisionJournal.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 3 + 20] ^= 0x10; // inside the second record's payload
        Files.write(file, bytes);
        assertThat(reopen()).hasSize(1);
    }

    @Test
    void discardFromRemovesARecordAndAppendsContinueThere() {
        try (RevisionJournal j = RevisionJournal.open(dir, e -> { })) {
            j.append(entry(1, 5));
            long at = j.append(entry(2, 5));
            j.discardFrom(at, new RuntimeException("the commit failed"));
            j.append(entry(3, 5));
        }
        List<RevisionJournal.Entry> read = reopen();
        assertThat(read).extracting(RevisionJournal.Entry::revision).containsExactly(1L, 3L);
    }

    @Test
    void resetEmptiesIt() {
        try (RevisionJournal j = RevisionJournal.open(dir, e -> { })) {
            j.append(entry(1, 5));
            j.reset();
            assertThat(j.size()).isZero();
            j.append(entry(2, 5));
        }
        assertThat(reopen()).extracting(RevisionJournal.Entry::revision).containsExactly(2L);
    }
}
