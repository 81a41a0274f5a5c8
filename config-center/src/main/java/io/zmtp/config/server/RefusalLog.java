package io.zmtp.config.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Refused connection attempts, counted per (address, user): how many, the first and last time,
 * the last reason and the ports. An attacker must not be able to grow it or to push real entries
 * out unnoticed, so it is bounded twice: one address gets at most {@code usersPerAddress} entries
 * (further user names from it are counted in one "other users" entry of that address), and the
 * whole log at most {@code capacity} entries (beyond that the least recently refused entry goes and
 * {@link #evicted()} counts it, so status says that something was dropped). Thread-safe.
 */
public final class RefusalLog {
    /** Default bounds: 200 entries in all, 8 user names per address. */
    public static final int DEFAULT_CAPACITY = 200;
    public static final int DEFAULT_USERS_PER_ADDRESS = 8;

    /**
     * One (address, user) pair and what happened to it.
     *
     * @param user       the user name (or CURVE key) the peer gave, as sent; empty when none;
     *                   {@code null} for the entry that counts the address's other user names
     * @param ports      which of the server's sockets refused it ({@code updates}, {@code sync})
     */
    public record Entry(String address, String user, String reason, List<String> ports, long count,
                        Instant first, Instant last) {
        /** True for the entry that counts an address's user names beyond its bound. */
        public boolean otherUsers() {
            return user == null;
        }
    }

    private record Key(String address, String user) {
    }

    private static final class Counter {
        final TreeSet<String> ports = new TreeSet<>();
        String reason;
        long count;
        Instant first;
        Instant last;
    }

    private final int capacity;
    private final int usersPerAddress;
    /** In access order: the eldest is the least recently refused. */
    private final LinkedHashMap<Key, Counter> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long evicted;
    private long total;

    public RefusalLog() {
        this(DEFAULT_CAPACITY, DEFAULT_USERS_PER_ADDRESS);
    }

    /** @throws IllegalArgumentException when a bound is below 1 or the capacity below the per-address bound + 1 */
    public RefusalLog(int capacity, int usersPerAddress) {
        if (usersPerAddress < 1 || capacity < usersPerAddress + 1) {
            throw new IllegalArgumentException("need usersPerAddress >= 1 and capacity > usersPerAddress, got "
                    + capacity + " and " + usersPerAddress);
        }
        this.capacity = capacity;
        this.usersPerAddress = usersPerAddress;
    }

    /** Counts one refusal. */
    public synchronized void add(Whitelist.Refusal r) {
        total++;
        String address = Objects.requireNonNullElse(r.address(), "");
        Key key = new Key(address, Objects.requireNonNullElse(r.user(), ""));
        Counter c = entries.get(key);
        if (c == null && usersOf(address) >= usersPerAddress) {
            key = new Key(address, null);
            c = entries.get(key);
        }
        if (c == null) {
            if (entries.size() >= capacity) {
                Iterator<Map.Entry<Key, Counter>> eldest = entries.entrySet().iterator();
                eldest.next();
                eldest.remove();
                evicted++;
            }
            c = new Counter();
            c.first = r.at();
            entries.put(key, c);
        }
        c.count++;
        c.last = r.at();
        c.reason = r.reason();
        if (r.port() != null && !r.port().isEmpty()) {
            c.ports.add(r.port());
        }
    }

    private int usersOf(String address) {
        int n = 0;
        for (Key k : entries.keySet()) {
            if (k.address.equals(address) && k.user != null) {
                n++;
            }
        }
        return n;
    }

    /** The entries, most recently refused first. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>(entries.size());
        for (Map.Entry<Key, Counter> e : entries.entrySet()) {
            Counter c = e.getValue();
            out.add(new Entry(e.getKey().address, e.getKey().user, c.reason, List.copyOf(c.ports), c.count,
                    c.first, c.last));
        }
        out.sort(Comparator.comparing(Entry::last).reversed());
        return out;
    }

    /** Entries dropped to stay within the capacity (their counts are in {@link #total()} only). */
    public synchronized long evicted() {
        return evicted;
    }

    /** Refusals counted since the server started, listed or not. */
    public synchronized long total() {
        return total;
    }
}
