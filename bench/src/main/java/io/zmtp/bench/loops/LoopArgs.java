package io.zmtp.bench.loops;

import java.util.Locale;

/**
 * The command line of one side of an event-loop benchmark cell:
 * {@code loops <role> <endpoint> <message-size> <connections> <warmup-seconds> <measure-seconds>}.
 * Bounds are checked here so a typo is a usage error, not a run that never ends.
 */
record LoopArgs(Role role, String endpoint, int size, int connections, double warmupSeconds, double measureSeconds) {
    static final String USAGE = "usage: loops <role> <endpoint> <message-size> <connections> <warmup-seconds> <measure-seconds>\n"
            + "  roles: pull push pub sub rep req router dealer (the first of each pair binds)";
    /** The most connections one side opens or accepts: the largest cell. */
    static final int MAX_CONNECTIONS = 1000;
    /** Every body carries an 8-byte send time. */
    static final int MIN_SIZE = 8;
    static final int MAX_SIZE = 16 * 1024 * 1024;
    static final double MAX_SECONDS = 600;

    static LoopArgs parse(String[] args) {
        if (args == null || args.length != 6) {
            throw new IllegalArgumentException(USAGE);
        }
        Role role = Role.named(args[0]);
        String endpoint = args[1];
        if (!endpoint.contains("://")) {
            throw new IllegalArgumentException("endpoint must look like tcp://host:port, got '" + endpoint + "'\n" + USAGE);
        }
        int size = (int) whole(args[2], "message-size", MIN_SIZE, MAX_SIZE);
        int connections = (int) whole(args[3], "connections", 1, MAX_CONNECTIONS);
        if (connections > 1 && !role.manyConnections()) {
            throw new IllegalArgumentException(role.label() + " runs over one connection, got " + connections + "\n" + USAGE);
        }
        double warmup = seconds(args[4], "warmup-seconds", 0);
        double measure = seconds(args[5], "measure-seconds", 0.1);
        return new LoopArgs(role, endpoint, size, connections, warmup, measure);
    }

    private static long whole(String text, String name, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'\n" + USAGE);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v + "\n" + USAGE);
        }
        return v;
    }

    private static double seconds(String text, String name, double min) {
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + text + "'\n" + USAGE);
        }
        if (!(v >= min && v <= MAX_SECONDS)) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + MAX_SECONDS + ", got '" + text + "'\n" + USAGE);
        }
        return v;
    }

    /** The eight sides: each pattern's binding side first, then its connecting side. */
    enum Role {
        PULL(true, true), PUSH(false, true), PUB(true, true), SUB(false, true),
        REP(true, false), REQ(false, false), ROUTER(true, true), DEALER(false, true);

        private final boolean binds;
        private final boolean manyConnections;

        Role(boolean binds, boolean manyConnections) {
            this.binds = binds;
            this.manyConnections = manyConnections;
        }

        boolean binds() {
            return binds;
        }

        boolean manyConnections() {
            return manyConnections;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Role named(String text) {
            for (Role r : values()) {
                if (r.label().equals(text)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown role '" + text + "'\n" + USAGE);
        }
    }
}
