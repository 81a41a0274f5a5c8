package io.zmtp.config.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordsTest {

    @Test
    void snapshotIsAnUnmodifiableSortedCopy() {
        byte[] value = {1, 2};
        SortedMap<String, byte[]> source = new TreeMap<>();
        source.put("\ud83d\ude00", new byte[] {3});
        source.put("\uff61", value);
        Snapshot s = Snapshot.of("ns", 4, source);

        value[0] = 9;
        source.put("extra", new byte[0]);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.get("\uff61")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2));
        assertThat(s.get("missing")).isEmpty();
        assertThat(new ArrayList<>(s.entries().keySet())).containsExactly("\uff61", "\ud83d\ude00");
        assertThat(s.entries().comparator()).isSameAs(Digest.KEY_ORDER);
        assertThatThrownBy(() -> s.entries().put("x", new byte[0])).isInstanceOf(UnsupportedOperationException.class);
        assertThat(s.totalBytes()).isEqualTo(3 + 2 + 4 + 1);
        assertThat(s.digest()).isEqualTo(ReferenceDigest.of(s.entries()));
    }

    @Test
    void snapshotEqualityIsOverContent() {
        TreeMap<String, byte[]> a = new TreeMap<>();
        a.put("k", new byte[] {1});
        TreeMap<String, byte[]> b = new TreeMap<>();
        b.put("k", new byte[] {1});
        assertThat(Snapshot.of("ns", 1, a)).isEqualTo(Snapshot.of("ns", 1, b))
                .hasSameHashCodeAs(Snapshot.of("ns", 1, b));
        assertThat(Snapshot.of("ns", 1, a)).isNotEqualTo(Snapshot.of("ns", 2, b));
        assertThat(Snapshot.of("ns", 1, a).sameContent(Snapshot.of("other", 2, b))).isTrue();
        assertThat(Snapshot.of("ns", 1, a).toString()).contains("ns@1").contains("1 keys");
    }

    @Test
    void emptySnapshot() {
        Snapshot s = Snapshot.empty("ns");
        assertThat(s.revision()).isZero();
        assertThat(s.entries()).isEmpty();
        assertThat(s.digest()).isEqualTo(Digest.EMPTY);
    }

    @Test
    void snapshotValidation() {
        assertThatThrownBy(() -> new Snapshot("ns", -1, Digest.EMPTY, new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Snapshot("ns", 0, "nope", new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digest");
        assertThatThrownBy(() -> new Snapshot("/ns", 0, Digest.EMPTY, new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class);
        TreeMap<String, byte[]> nullValue = new TreeMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> new Snapshot("ns", 0, Digest.EMPTY, nullValue))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'");
    }

    @Test
    void revisionCopiesChangesAndValidates() {
        List<Change> changes = new ArrayList<>(List.of(Change.put("a", "1")));
        Revision r = new Revision("ns", 1, Digest.EMPTY, "me", Instant.EPOCH, "why", changes);
        changes.add(Change.delete("b"));
        assertThat(r.changes()).containsExactly(Change.put("a", "1"));
        assertThat(r).isEqualTo(new Revision("ns", 1, Digest.EMPTY, "me", Instant.EPOCH, "why",
                List.of(Change.put("a", "1"))));
        assertThatThrownBy(() -> new Revision("ns", 0, Digest.EMPTY, "me", Instant.EPOCH, "", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new Revision("ns", 1, Digest.EMPTY, null, Instant.EPOCH, "", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("author");
    }

    @Test
    void nodeReportValidation() {
        NodeReport ok = new NodeReport("node-1", "ns", 0, Digest.EMPTY, Instant.EPOCH, Instant.EPOCH);
        assertThat(ok.nodeId()).isEqualTo("node-1");
        assertThatThrownBy(() -> new NodeReport("", "ns", 0, Digest.EMPTY, Instant.EPOCH, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id");
        assertThatThrownBy(() -> new NodeReport("n\t1", "ns", 0, Digest.EMPTY, Instant.EPOCH, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
        assertThatThrownBy(() -> new NodeReport("n", "ns", -1, Digest.EMPTY, Instant.EPOCH, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeReport("n", "ns", 0, Digest.EMPTY, null, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appliedAt");
    }
}
