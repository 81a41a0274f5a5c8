package io.zmtp.socket.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A rotating choice among peers: each call to {@link #next} starts after the peer chosen last, so
 * peers that qualify take turns. The load balancer asks for a peer with room to send; the fair
 * queue asks for a peer with a message waiting. Not thread-safe (one event loop).
 */
public final class RoundRobin<P> {
    private final List<P> members = new ArrayList<>();
    private int cursor;

    public void add(P member) {
        members.add(member);
    }

    public boolean remove(P member) {
        int i = members.indexOf(member);
        if (i < 0) {
            return false;
        }
        members.remove(i);
        if (i < cursor) {
            cursor--;
        }
        if (cursor >= members.size()) {
            cursor = 0;
        }
        return true;
    }

    /**
     * The next member, in turn, that satisfies {@code eligible}, or null when none does. The turn
     * moves past the member returned.
     */
    public P next(Predicate<? super P> eligible) {
        int n = members.size();
        int index = cursor < n ? cursor : 0;
        for (int i = 0; i < n; i++) {
            // A compare, not a remainder: this runs once per message sent or received.
            int after = index + 1 == n ? 0 : index + 1;
            P candidate = members.get(index);
            if (eligible.test(candidate)) {
                cursor = after;
                return candidate;
            }
            index = after;
        }
        return null;
    }

    /** The next member that satisfies {@code eligible}, without moving the turn. */
    public P peek(Predicate<? super P> eligible) {
        int n = members.size();
        for (int i = 0; i < n; i++) {
            P candidate = members.get((cursor + i) % n);
            if (eligible.test(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public boolean anyMatch(Predicate<? super P> eligible) {
        return peek(eligible) != null;
    }

    public int size() {
        return members.size();
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    public List<P> members() {
        return members;
    }
}
