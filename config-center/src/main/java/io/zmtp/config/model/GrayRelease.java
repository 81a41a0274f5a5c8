package io.zmtp.config.model;

import java.time.Instant;
import java.util.List;

/**
 * A gray (canary) release of a namespace: a revision numbered one above the namespace's main line
 * that only the listed nodes receive until it is promoted (it becomes the main line's revision) or
 * aborted (it stays in the history, marked, and the next revision restores the main line's
 * content). At most one is open per namespace; while it is, the main line takes no other revision.
 *
 * @param revision the gray revision: its number, digest over main + its changes, who, when, why
 * @param selector the selector it was published with, as the admin wrote it ({@code zone=a}, {@code 5}, {@code 10%})
 * @param nodes the node ids the selector resolved to at publish time, sorted; the set never changes
 * @param state open, promoted or aborted
 * @param settled who promoted or aborted it, from where, when and why; null while open
 */
public record GrayRelease(Revision revision, String selector, List<String> nodes, State state, Settled settled) {
    /** Where a gray release stands. */
    public enum State { OPEN, PROMOTED, ABORTED }

    /** The promote or abort of a gray release, for the audit trail. */
    public record Settled(String author, String source, Instant time, String message) {
    }

    public GrayRelease {
        if (revision == null || selector == null || nodes == null || state == null) {
            throw new IllegalArgumentException("a gray release needs its revision, selector, nodes and state");
        }
        if ((state == State.OPEN) != (settled == null)) {
            throw new IllegalArgumentException("a gray release is settled exactly when it is not open");
        }
        nodes = List.copyOf(nodes);
    }

    public String namespace() {
        return revision.namespace();
    }

    /** The gray revision's number. */
    public long number() {
        return revision.number();
    }

    /** True when {@code node} was selected. */
    public boolean selects(String node) {
        return nodes.contains(node);
    }
}
