package io.zmtp.config.server;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The refusal log stays bounded under a flood and keeps the entries that were there first. */
class RefusalLogTest {
    private static Whitelist.Refusal refusal(String user, String address, long second, String port) {
        return new Whitelist.Refusal(user, address, "wrong password", Instant.ofEpochSecond(second), port);
    }

    @Test
    void repeatedAttemptsAreCountedInOneEntryWithFirstAndLastTimeAndPorts() {
        RefusalLog log = new RefusalLog();
        log.add(refusal("ops", "10.0.0.1", 1, "sync"));
        log.add(refusal("ops", "10.0.0.1", 5, "updates"));
        log.add(refusal("ops", "10.0.0.1", 9, "sync"));
        assertThat(log.entries()).singleElement().satisfies(e -> {
            assertThat(e.count()).isEqualTo(3);
            assertThat(e.first()).isEqualTo(Instant.ofEpochSecond(1));
            assertThat(e.last()).isEqualTo(Instant.ofEpochSecond(9));
            assertThat(e.ports()).containsExactly("sync", "updates");
            assertThat(e.otherUsers()).isFalse();
        });
    }

    @Test
    void aFloodOfUserNamesFromOneAddressCannotPushOthersOut() {
        RefusalLog log = new RefusalLog(20, 4);
        log.add(refusal("web-1", "10.0.0.7", 1, "sync"));
        for (int i = 0; i < 100_000; i++) {
            log.add(refusal("guess-" + i, "10.6.6.6", 2 + i, "sync"));
        }
        assertThat(log.entries()).hasSize(1 + 4 + 1);
        assertThat(log.entries()).anySatisfy(e -> {
            assertThat(e.user()).isEqualTo("web-1");
            assertThat(e.address()).isEqualTo("10.0.0.7");
        });
        assertThat(log.entries()).filteredOn(RefusalLog.Entry::otherUsers).singleElement()
                .satisfies(e -> assertThat(e.count()).isEqualTo(100_000 - 4));
        assertThat(log.evicted()).isZero();
        assertThat(log.total()).isEqualTo(100_001);
    }

    @Test
    void beyondTheCapacityTheLeastRecentEntryGoesAndIsCounted() {
        RefusalLog log = new RefusalLog(10, 2);
        for (int a = 0; a < 1000; a++) {
            log.add(refusal("u", "10.0." + (a / 256) + "." + (a % 256), a, "updates"));
        }
        assertThat(log.entries()).hasSize(10);
        assertThat(log.evicted()).isEqualTo(990);
        assertThat(log.entries().get(0).address()).isEqualTo("10.0.3.231");
    }

    @Test
    void boundsAreChecked() {
        assertThatThrownBy(() -> new RefusalLog(2, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RefusalLog(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
