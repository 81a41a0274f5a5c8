package io.zmtp.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every cell result of this JVM, written as {@code target/interop-matrix.md}: one table row per
 * cell, one column per peer implementation, and a summary of the counts. Rewritten after each
 * test class, so the file is complete once the last one ends.
 */
public final class MatrixReport {
    /** A cell's outcome against one peer. */
    public enum Status {
        PASS("pass"), FAIL("**FAIL**"), NOT_APPLICABLE("n/a");

        final String text;

        Status(String text) {
            this.text = text;
        }
    }

    /** One (cell, peer) result. */
    public record Result(String family, String cell, PeerKind peer, Status status, long millis, String detail) {
    }

    private static final ConcurrentLinkedQueue<Result> RESULTS = new ConcurrentLinkedQueue<>();
    static final Path FILE = Path.of("target", "interop-matrix.md");

    private MatrixReport() {
    }

    static void record(Result r) {
        RESULTS.add(r);
    }

    static synchronized void write() {
        List<Result> all = new ArrayList<>(RESULTS);
        Map<String, Map<String, Map<PeerKind, Result>>> byFamily = new LinkedHashMap<>();
        for (Result r : all) {
            byFamily.computeIfAbsent(r.family(), f -> new LinkedHashMap<>())
                    .computeIfAbsent(r.cell(), c -> new EnumMap<>(PeerKind.class)).put(r.peer(), r);
        }
        // Counted from the table (one result per cell and peer), so that the summary adds up.
        int cells = 0;
        int notRun = 0;
        int[] counts = new int[Status.values().length];
        long totalMillis = 0;
        StringBuilder sb = new StringBuilder();
        sb.append("# Interop matrix\n\n");
        sb.append("Our sockets against ");
        for (PeerKind k : PeerKind.values()) {
            sb.append(k.ordinal() == 0 ? "" : k.ordinal() == PeerKind.values().length - 1 ? " and " : ", ").append(k.label());
        }
        sb.append(". Each cell of the classic socket types runs against ");
        sb.append(PeerKind.CLASSIC.stream().map(PeerKind::label).collect(java.util.stream.Collectors.joining(" and ")));
        sb.append("; each cell of the draft types (CLIENT, SERVER, ...) against ");
        sb.append(PeerKind.DRAFT.stream().map(PeerKind::label).collect(java.util.stream.Collectors.joining(" and ")));
        sb.append(" (Debian's libzmq 4.3.4 is built without the draft API; zeromq.js 6.8.0 bundles a libzmq"
                + " 4.3.5 built with it); the old-protocol family against ");
        sb.append(PeerKind.LEGACY.stream().map(PeerKind::label).collect(java.util.stream.Collectors.joining(" and ")));
        sb.append(" (a ZMTP 1.0/2.0 codec on Netty 4.0, in a JVM of its own; its driver adds the little socket"
                + " behaviour a cell needs). n/a marks a cell the peer cannot take part in "
                + "(JeroMQ has no ipc transport; any other reason is given under Notes), and \"not run\" a cell "
                + "that recorded no result for a peer. The CURVE cells use fresh key pairs per cell; the heartbeat "
                + "cells count PING/PONG commands on the wire and freeze it (no forwarding, nothing closed) to "
                + "make a side go silent. Times are wall-clock per cell. JeroMQ sockets run with "
                + "HANDSHAKE_IVL=" + JeromqPeer.HANDSHAKE_IVL_MS + " ms, so that JeroMQ's own connect hand-off race "
                + "(zeromq/jeromq#1022: a connecting JeroMQ socket sometimes never sends its greeting) costs a "
                + "reconnect instead of 30 s.\n\n");
        List<Result> failures = new ArrayList<>();
        List<Result> notes = new ArrayList<>();
        int results = 0;
        for (Map.Entry<String, Map<String, Map<PeerKind, Result>>> family : byFamily.entrySet()) {
            // The family's columns: the peers it ran against.
            EnumSet<PeerKind> kinds = EnumSet.noneOf(PeerKind.class);
            family.getValue().values().forEach(m -> kinds.addAll(m.keySet()));
            sb.append("## ").append(family.getKey()).append("\n\n| Cell |");
            for (PeerKind k : kinds) {
                sb.append(' ').append(k.label()).append(" |");
            }
            sb.append("\n|---|");
            for (int i = 0; i < kinds.size(); i++) {
                sb.append("---|");
            }
            sb.append('\n');
            for (Map.Entry<String, Map<PeerKind, Result>> cell : family.getValue().entrySet()) {
                cells++;
                results += kinds.size();
                sb.append("| ").append(escape(cell.getKey())).append(" |");
                for (PeerKind k : kinds) {
                    Result r = cell.getValue().get(k);
                    if (r == null) {
                        notRun++;
                        sb.append(" (not run) |");
                        continue;
                    }
                    counts[r.status().ordinal()]++;
                    totalMillis += r.millis();
                    sb.append(' ').append(r.status().text);
                    if (r.status() != Status.NOT_APPLICABLE) {
                        sb.append(" (").append(r.millis()).append(" ms)");
                    }
                    if (r.status() == Status.FAIL) {
                        failures.add(r);
                    } else if (r.status() == Status.PASS && !r.detail().isEmpty()
                            || r.status() == Status.NOT_APPLICABLE && !r.detail().endsWith("has no ipc transport")) {
                        notes.add(r);
                        sb.append(" [note ").append(notes.size()).append(']');
                    }
                    sb.append(" |");
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        sb.append("**Summary:** ").append(cells).append(" cells, ").append(results).append(" results: ").append(counts[Status.PASS.ordinal()]).append(" pass, ")
                .append(counts[Status.FAIL.ordinal()]).append(" fail, ")
                .append(counts[Status.NOT_APPLICABLE.ordinal()]).append(" n/a");
        if (notRun > 0) {
            sb.append(", ").append(notRun).append(" not run");
        }
        sb.append(" (").append(totalMillis).append(" ms in cells)\n");
        if (!notes.isEmpty()) {
            sb.append("\n## Notes\n\n");
            for (int i = 0; i < notes.size(); i++) {
                Result r = notes.get(i);
                sb.append(i + 1).append(". ").append(r.family()).append(" / ").append(r.cell()).append(" / ")
                        .append(r.peer().label()).append(": ").append(r.detail()).append('\n');
            }
        }
        if (!failures.isEmpty()) {
            sb.append("\n## Failures\n");
            for (Result r : failures) {
                sb.append("\n### ").append(r.family()).append(" / ").append(r.cell()).append(" / ")
                        .append(r.peer().label()).append("\n\n```\n").append(r.detail()).append("\n```\n");
            }
        }
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE, e);
        }
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }
}
