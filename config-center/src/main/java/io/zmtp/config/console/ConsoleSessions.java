package io.zmtp.config.console;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Signed-in admins of the console: a random session token (the HttpOnly cookie) and a CSRF token
 * that every change must carry in a header, which a page of another site cannot read. Bounded:
 * a session idle for {@code idle} is gone, and past {@code max} sessions the least recently used
 * one is dropped. Thread-safe.
 */
final class ConsoleSessions {
    /** One signed-in admin. */
    record Session(String token, String user, String csrf) {
    }

    private static final class Entry {
        final Session session;
        long usedAt;

        Entry(Session session, long usedAt) {
            this.session = session;
            this.usedAt = usedAt;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final long idleNanos;
    private final int max;
    private final LongSupplier clock;
    /** In access order: the eldest is the least recently used. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    ConsoleSessions(Duration idle, int max) {
        this(idle, max, System::nanoTime);
    }

    ConsoleSessions(Duration idle, int max, LongSupplier clock) {
        this.idleNanos = idle.toNanos();
        this.max = max;
        this.clock = clock;
    }

    synchronized Session create(String user) {
        long now = clock.getAsLong();
        expire(now);
        while (sessions.size() >= max) {
            Iterator<Map.Entry<String, Entry>> eldest = sessions.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        Session s = new Session(token(), user, token());
        sessions.put(s.token(), new Entry(s, now));
        return s;
    }

    /** The live session of {@code token}, touched; null when unknown or expired. */
    synchronized Session find(String token) {
        if (token == null) {
            return null;
        }
        long now = clock.getAsLong();
        Entry e = sessions.get(token);
        if (e == null) {
            return null;
        }
        if (now - e.usedAt > idleNanos) {
            sessions.remove(token);
            return null;
        }
        e.usedAt = now;
        return e.session;
    }

    synchronized void remove(String token) {
        sessions.remove(token);
    }

    synchronized int size() {
        return sessions.size();
    }

    private void expire(long now) {
        sessions.values().removeIf(e -> now - e.usedAt > idleNanos);
    }

    /** 256 random bits, URL-safe. */
    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
