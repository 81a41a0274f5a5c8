package io.zmtp.config.store;

/**
 * Size limits a store enforces on every commit, so one bad push cannot fill the disk, blow up the
 * agents' memory or stall the wire. A namespace's size is the sum of its UTF-8 key bytes and
 * value bytes.
 *
 * @param maxValueBytes the largest value, in bytes
 * @param maxNamespaceBytes the largest namespace, in bytes; at least {@code maxValueBytes}
 */
public record StoreLimits(int maxValueBytes, long maxNamespaceBytes) {
    /** 1 MiB per value, 64 MiB per namespace. */
    public static final StoreLimits DEFAULTS = new StoreLimits(1 << 20, 64L << 20);

    /**
     * @throws IllegalArgumentException when a limit is not positive or a single value may exceed
     *     the namespace limit
     */
    public StoreLimits {
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("maxValueBytes must be >= 1, got " + maxValueBytes);
        }
        if (maxNamespaceBytes < maxValueBytes) {
            throw new IllegalArgumentException("maxNamespaceBytes (" + maxNamespaceBytes
                    + ") must be >= maxValueBytes (" + maxValueBytes + ")");
        }
    }

    /** The default limits, {@link #DEFAULTS}. */
    public static StoreLimits defaults() {
        return DEFAULTS;
    }
}
