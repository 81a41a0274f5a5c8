package io.zmtp.bench.charts;

import io.zmtp.bench.charts.ChartSpec.Pick;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The charts of a bench/compare.sh run, each naming the Results rows it plots by the labels
 * compare.sh gives them. The series keep one name (and so one colour) across charts: ours on
 * each event loop, libzmq, JeroMQ.
 */
final class CompareChartSpecs {
    static final String OURS_NIO = "ours (nio)";
    static final String OURS_EPOLL = "ours (epoll)";
    static final String LIBZMQ = "libzmq";
    static final String JEROMQ = "JeroMQ";

    static final String THR = "PUSH/PULL thr [msg/s], ours=";
    static final String LAT = "REQ/REP lat [us], ours=";
    static final String WS_THR = "ws PUSH/PULL thr [msg/s], ours=nio";
    static final String WS_LAT = "ws REQ/REP lat [us], ours=nio";
    static final String CURVE_THR = "PUSH/PULL CURVE thr [msg/s]";
    static final String HS = "CURVE handshakes/s (client's count over its run)";
    static final String HS_CROSS = "CURVE handshakes/s: libzmq clients → ours(nio) server";
    /** "PUB/SUB thr [msg/s], 1 SUB", "..., 10 SUBs"; not the row with many subscriptions. */
    private static final Pattern PUBSUB = Pattern.compile("PUB/SUB thr \\[msg/s], (\\d+) SUBs?");

    private static final String SIZE = "message size";
    private static final String MSG_S = "msg/s (log scale)";

    private CompareChartSpecs() {
    }

    static List<ChartSpec> of(List<ResultRow> rows) {
        return List.of(
                new ChartSpec("compare-tcp-throughput.png", "PUSH/PULL throughput over TCP", SIZE, MSG_S, true, false,
                        byLoop(THR)),
                new ChartSpec("compare-tcp-latency.png", "REQ/REP latency over TCP (one way)", SIZE, "us", false, false,
                        byLoop(LAT)),
                new ChartSpec("compare-ws-throughput.png", "PUSH/PULL throughput over ws (ZWS 2.0)", SIZE, MSG_S, true, false,
                        List.of(new Pick(OURS_NIO, WS_THR, Column.OURS, null), new Pick(LIBZMQ, WS_THR, Column.LIBZMQ, null))),
                new ChartSpec("compare-ws-latency.png", "REQ/REP latency over ws (one way)", SIZE, "us", false, false,
                        List.of(new Pick(OURS_NIO, WS_LAT, Column.OURS, null), new Pick(LIBZMQ, WS_LAT, Column.LIBZMQ, null))),
                new ChartSpec("compare-pubsub.png", "PUB/SUB throughput per subscriber, by subscriber count", "message size, subscribers",
                        MSG_S, true, true, pubSub(rows)),
                new ChartSpec("compare-curve-throughput.png", "PUSH/PULL throughput over CURVE", SIZE, MSG_S, true, true,
                        threeWay(CURVE_THR, null)),
                new ChartSpec("compare-curve-handshakes.png", "CURVE handshakes per second, by server", "clients",
                        "handshakes/s (log scale)", true, true, handshakes()));
    }

    /** Ours on NIO and on epoll from their rows; libzmq and JeroMQ (the same in both) from the NIO row. */
    private static List<Pick> byLoop(String prefix) {
        return List.of(new Pick(OURS_NIO, prefix + "nio", Column.OURS, null),
                new Pick(OURS_EPOLL, prefix + "epoll", Column.OURS, null),
                new Pick(LIBZMQ, prefix + "nio", Column.LIBZMQ, null),
                new Pick(JEROMQ, prefix + "nio", Column.JEROMQ, null));
    }

    private static List<Pick> threeWay(String cell, String group) {
        return List.of(new Pick(OURS_NIO, cell, Column.OURS, group),
                new Pick(LIBZMQ, cell, Column.LIBZMQ, group),
                new Pick(JEROMQ, cell, Column.JEROMQ, group));
    }

    /** One group per subscriber count the run had (PUBSUB_SUBSCRIBERS: 1 and 10 by default). */
    private static List<Pick> pubSub(List<ResultRow> rows) {
        List<String> cells = new ArrayList<>();
        List<Pick> picks = new ArrayList<>();
        for (ResultRow row : rows) {
            Matcher m = PUBSUB.matcher(row.cell());
            if (m.matches() && !cells.contains(row.cell())) {
                cells.add(row.cell());
                picks.addAll(threeWay(row.cell(), m.group(1) + (m.group(1).equals("1") ? " SUB" : " SUBs")));
            }
        }
        return picks;
    }

    /**
     * Each server with its own implementation's clients, then ours and libzmq's servers both facing
     * libzmq's clients (the second row's libzmq figure is libzmq with itself, as the table says).
     */
    private static List<Pick> handshakes() {
        List<Pick> picks = new ArrayList<>(threeWay(HS, "its own clients"));
        picks.add(new Pick(OURS_NIO, HS_CROSS, Column.OURS, "libzmq clients"));
        picks.add(new Pick(LIBZMQ, HS_CROSS, Column.LIBZMQ, "libzmq clients"));
        return picks;
    }
}
