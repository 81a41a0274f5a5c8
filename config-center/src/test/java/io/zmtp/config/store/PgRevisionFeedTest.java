package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19: a server learns of the revisions another server (another store on the same database)
 * commits, by NOTIFY, and, when a notification is lost, by reading the heads: when the listening
 * connection comes back and periodically.
 */
class PgRevisionFeedTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private PgTestDatabase db;
    private PgConfigStore here;
    private PgConfigStore elsewhere;
    private final Map<String, Long> heard = new ConcurrentHashMap<>();

    @BeforeEach
    void open() {
        db = PgTestDatabase.create();
        here = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
        elsewhere = PgConfigStore.open(db.url(), db.user(), db.password(), StoreLimits.defaults());
    }

    @AfterEach
    void close() throws Exception {
        if (here != null) {
            here.close();
        }
        if (elsewhere != null) {
            elsewhere.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private void listen(String ns, long rev) {
        heard.merge(ns, rev, Math::max);
    }

    @Test
    void aCommitByAnotherStoreIsNotifiedLongBeforeAnyPeriodicRead() {
        try (PgRevisionFeed feed = here.follow(this::listen, Duration.ofHours(1))) {
            await().atMost(WAIT).until(() -> feed.reads() == 1);
            elsewhere.commit("app/web", List.of(Change.put("k", "v1")), "ops", "one");
            elsewhere.commit("app/web", List.of(Change.put("k", "v2")), "ops", "two");
            // The only head read ran at connect, before the commits: the notifications told it.
            await().atMost(WAIT).until(() -> heard.getOrDefault("app/web", 0L) == 2);
        }
    }

    @Test
    void aLostNotificationIsMadeUpByThePeriodicRead() {
        try (PgRevisionFeed feed = here.follow(this::listen, Duration.ofMillis(300))) {
            await().atMost(WAIT).until(() -> feed.reads() == 1);
            feed.deaf(true);  // every notification from now on is lost
            elsewhere.commit("app/web", List.of(Change.put("k", "v1")), "ops", "lost");
            await().atMost(WAIT).until(() -> heard.getOrDefault("app/web", 0L) == 1);
        }
    }

    @Test
    void aRevisionCommittedWhileTheListeningConnectionWasLostIsReadWhenItComesBack() throws Exception {
        try (PgRevisionFeed feed = here.follow(this::listen, Duration.ofHours(1))) {
            await().atMost(WAIT).until(() -> feed.reads() == 1);
            feed.deaf(true);
            elsewhere.commit("app/web", List.of(Change.put("k", "v1")), "ops", "while away");
            // The database ends the listening session (as a restart or a network cut would).
            try (Connection c = db.connect();
                 PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                         + " WHERE application_name = ? AND datname = current_database()")) {
                ps.setString(1, PgRevisionFeed.APPLICATION);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("the listening session").isTrue();
                }
            }
            await().atMost(WAIT).until(() -> feed.connects() >= 2);
            await().atMost(WAIT).until(() -> heard.getOrDefault("app/web", 0L) == 1);
        }
    }

    @Test
    void theCacheOfOneStoreFollowsCommitsOfTheOther() {
        for (int i = 1; i <= 20; i++) {
            PgConfigStore writer = i % 2 == 0 ? here : elsewhere;
            writer.commit("app/web", List.of(Change.put("k" + (i % 3), "v" + i)), "ops", "#" + i);
            assertThat(here.snapshot("app/web")).isEqualTo(elsewhere.snapshot("app/web"));
            assertThat(here.snapshot("app/web").revision()).isEqualTo(i);
        }
    }
}
