package io.zmtp.bench.loops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The medians of one cell's runs: the rate and latency its measuring side saw, and each side's
 * CPU time per message. Which side measures depends on the pattern: PULL for PUSH/PULL fan-in,
 * the SUBs for PUB/SUB fan-out, the requesters for REQ/REP and ROUTER/DEALER.
 */
record CellSummary(RunLog.Cell cell, int runs, int failed, String failure, double perSecond, LoopResult.Latency latency,
                   double binderCpuMicros, double connecterCpuMicros) {

    /** The patterns in report order, with their measuring side and what a "message" is there. */
    enum Pattern {
        PUSH_PULL("push-pull", "PUSH/PULL", true, "messages in at the PULL", "one-way, send to receive"),
        PUB_SUB("pub-sub", "PUB -> N SUB", false, "messages in at all SUBs together", "one-way, send to receive"),
        REQ_REP("req-rep", "REQ/REP", false, "round trips", "round trip"),
        ROUTER_DEALER("router-dealer", "ROUTER with N DEALERs", false, "round trips, all DEALERs together", "round trip");

        final String id;
        final String title;
        final boolean binderMeasures;
        final String unit;
        final String latencyKind;

        Pattern(String id, String title, boolean binderMeasures, String unit, String latencyKind) {
            this.id = id;
            this.title = title;
            this.binderMeasures = binderMeasures;
            this.unit = unit;
            this.latencyKind = latencyKind;
        }

        static Pattern of(String id) {
            for (Pattern p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown pattern " + id);
        }
    }

    boolean ok() {
        return runs > failed;
    }

    /** Groups the runs by cell (in first-seen order) and takes each cell's medians. */
    static List<CellSummary> of(List<RunLog.Run> runs) {
        Map<RunLog.Cell, List<RunLog.Run>> byCell = new LinkedHashMap<>();
        for (RunLog.Run r : runs) {
            byCell.computeIfAbsent(r.cell(), c -> new ArrayList<>()).add(r);
        }
        List<CellSummary> out = new ArrayList<>();
        for (Map.Entry<RunLog.Cell, List<RunLog.Run>> e : byCell.entrySet()) {
            out.add(summarise(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static CellSummary summarise(RunLog.Cell cell, List<RunLog.Run> runs) {
        Pattern pattern = Pattern.of(cell.pattern());
        List<RunLog.Run> ok = runs.stream().filter(RunLog.Run::ok).toList();
        String failure = runs.stream().filter(r -> !r.ok()).map(RunLog.Run::failure).findFirst().orElse(null);
        int failed = runs.size() - ok.size();
        if (ok.isEmpty()) {
            return new CellSummary(cell, runs.size(), failed, failure, 0, null, 0, 0);
        }
        double[] rate = new double[ok.size()];
        double[] binderCpu = new double[ok.size()];
        double[] connecterCpu = new double[ok.size()];
        List<LoopResult.Latency> lats = new ArrayList<>();
        for (int i = 0; i < ok.size(); i++) {
            RunLog.Run r = ok.get(i);
            LoopResult measuring = pattern.binderMeasures ? r.binder() : r.connecter();
            rate[i] = measuring.perSecond();
            binderCpu[i] = r.binder().cpuMicrosPerMessage();
            connecterCpu[i] = r.connecter().cpuMicrosPerMessage();
            if (measuring.latency() != null) {
                lats.add(measuring.latency());
            }
        }
        LoopResult.Latency latency = null;
        if (!lats.isEmpty()) {
            latency = new LoopResult.Latency(median(lats.stream().mapToDouble(LoopResult.Latency::p50).toArray()),
                    median(lats.stream().mapToDouble(LoopResult.Latency::p99).toArray()),
                    median(lats.stream().mapToDouble(LoopResult.Latency::p999).toArray()),
                    median(lats.stream().mapToDouble(LoopResult.Latency::max).toArray()));
        }
        return new CellSummary(cell, runs.size(), failed, failure, median(rate), latency, median(binderCpu), median(connecterCpu));
    }

    /** The median; the mean of the middle two for an even count. */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
