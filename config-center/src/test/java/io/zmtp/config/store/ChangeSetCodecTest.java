package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeSetCodecTest {

    @Test
    void exactLayout() {
        byte[] encoded = ChangeSetCodec.encode(List.of(Change.put("a", new byte[] {7}), Change.delete("\u00e9")));
        assertThat(encoded).containsExactly(
                1,
                0, 0, 0, 2,
                0, 0, 0, 1, 'a', 0, 0, 0, 1, 7,
                0, 0, 0, 2, 0xc3 - 256, 0xa9 - 256, -1, -1, -1, -1);
    }

    @Test
    void roundTrip() {
        List<Change> changes = List.of(Change.put("k", new byte[0]), Change.put("\ud83d\ude00", "v"),
                Change.delete("gone"), Change.put("big", new byte[70_000]));
        assertThat(ChangeSetCodec.decode(ChangeSetCodec.encode(changes))).isEqualTo(changes);
        assertThat(ChangeSetCodec.decode(ChangeSetCodec.encode(List.of()))).isEmpty();
    }

    @Test
    void rejectsCorruptInput() {
        byte[] good = ChangeSetCodec.encode(List.of(Change.put("a", new byte[] {7})));
        assertThatThrownBy(() -> ChangeSetCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> ChangeSetCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> ChangeSetCodec.decode(trailing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing");
        byte[] format = good.clone();
        format[0] = 2;
        assertThatThrownBy(() -> ChangeSetCodec.decode(format)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format");
        byte[] count = good.clone();
        count[1] = 0x7f;
        assertThatThrownBy(() -> ChangeSetCodec.decode(count)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
        byte[] badUtf8 = good.clone();
        badUtf8[9] = (byte) 0xff;
        assertThatThrownBy(() -> ChangeSetCodec.decode(badUtf8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-8");
    }
}
