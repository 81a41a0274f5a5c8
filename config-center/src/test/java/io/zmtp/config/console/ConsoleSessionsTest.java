package io.zmtp.config.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions end when idle, and there are never more than the bound (the least recently used goes). */
class ConsoleSessionsTest {
    private final AtomicLong now = new AtomicLong();
    private final ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), 3, now::get);

    @Test
    void aSessionIdleForTheLimitIsGoneAndUseKeepsItAlive() {
        ConsoleSessions.Session a = sessions.create("ops");
        ConsoleSessions.Session b = sessions.create("ops");
        assertThat(a.token()).isNotEqualTo(b.token()).hasSize(43);
        assertThat(a.csrf()).isNotEqualTo(a.token());
        now.addAndGet(Duration.ofMinutes(20).toNanos());
        assertThat(sessions.find(a.token())).isEqualTo(a);
        now.addAndGet(Duration.ofMinutes(20).toNanos());
        assertThat(sessions.find(a.token())).as("used 20 minutes ago").isEqualTo(a);
        assertThat(sessions.find(b.token())).as("idle for 40 minutes").isNull();
        assertThat(sessions.find(null)).isNull();
        assertThat(sessions.find("made-up")).isNull();
        sessions.remove(a.token());
        assertThat(sessions.find(a.token())).isNull();
    }

    @Test
    void pastTheBoundTheLeastRecentlyUsedSessionIsDropped() {
        ConsoleSessions.Session a = sessions.create("a");
        ConsoleSessions.Session b = sessions.create("b");
        ConsoleSessions.Session c = sessions.create("c");
        sessions.find(a.token());
        ConsoleSessions.Session d = sessions.create("d");
        assertThat(sessions.size()).isEqualTo(3);
        assertThat(sessions.find(b.token())).isNull();
        assertThat(sessions.find(a.token())).isEqualTo(a);
        assertThat(sessions.find(c.token())).isEqualTo(c);
        assertThat(sessions.find(d.token())).isEqualTo(d);
    }
}
