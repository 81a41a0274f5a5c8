package io.zmtp.config.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which nodes a gray release goes to, from the selector an admin writes after {@code --to}:
 * {@code zone=a,canary=true} (nodes whose whitelist labels include all of these), {@code 5} (that
 * many nodes) or {@code 10%} (that share of the nodes, rounded up). Only nodes that may read the
 * namespace count. A count or share takes online nodes first, each group in ascending id order, so
 * the same fleet in the same state gives the same set. Every selector is resolved once, at publish
 * time, to a fixed list of node ids: what a gray release reaches never changes while it is open.
 */
public final class GraySelector {
    /** Longest selector accepted, in characters (it is stored with the release). */
    static final int MAX_LENGTH = 200;

    private final String text;
    private final Map<String, String> labels;
    private final long count;
    private final int percent;

    private GraySelector(String text, Map<String, String> labels, long count, int percent) {
        this.text = text;
        this.labels = labels;
        this.count = count;
        this.percent = percent;
    }

    /**
     * Parses a selector.
     *
     * @throws IllegalArgumentException (ERROR {@code bad-request}) for anything but the three forms,
     *     a count below 1, or a share outside 1-100%
     */
    public static GraySelector parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a gray selector is 1-" + MAX_LENGTH + " characters");
        }
        if (text.matches("[0-9]{1,3}%")) {
            int p = Integer.parseInt(text.substring(0, text.length() - 1));
            if (p < 1 || p > 100) {
                throw new IllegalArgumentException("gray selector '" + text + "': a share is 1% to 100%");
            }
            return new GraySelector(text, null, 0, p);
        }
        if (text.matches("[0-9]{1,9}")) {
            long n = Long.parseLong(text);
            if (n < 1) {
                throw new IllegalArgumentException("gray selector '" + text + "': a count is at least 1");
            }
            return new GraySelector(text, null, n, 0);
        }
        try {
            return new GraySelector(text, Whitelist.parseLabels(text), 0, 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gray selector '" + text + "' is neither KEY=VALUE[,KEY=VALUE...], a count"
                    + " (5) nor a share (10%): " + e.getMessage(), e);
        }
    }

    /**
     * The node ids this selector picks among {@code nodes} that may read {@code namespace}, sorted;
     * empty when it matches none.
     */
    public List<String> resolve(String namespace, List<Whitelist.Node> nodes, Predicate<String> online) {
        List<Whitelist.Node> readers = nodes.stream().filter(n -> n.mayRead(namespace)).toList();
        List<String> out;
        if (labels != null) {
            out = readers.stream().filter(n -> n.hasLabels(labels)).map(Whitelist.Node::id).toList();
        } else {
            long wanted = count > 0 ? count : (readers.size() * (long) percent + 99) / 100;
            List<String> ordered = new ArrayList<>(readers.stream().map(Whitelist.Node::id).toList());
            ordered.sort(Comparator.comparing((String id) -> !online.test(id)).thenComparing(Comparator.naturalOrder()));
            out = ordered.subList(0, (int) Math.min(wanted, ordered.size()));
        }
        return out.stream().sorted().toList();
    }

    @Override
    public String toString() {
        return text;
    }
}
