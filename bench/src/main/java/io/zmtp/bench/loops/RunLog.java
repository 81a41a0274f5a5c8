package io.zmtp.bench.loops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log {@code bench/loops.sh} writes while it runs, read back for the report. Lines:
 * <pre>
 * meta &lt;key&gt; &lt;value ...&gt;                 facts about the run (command, machine, times)
 * cell impl=I java=J threads=T pattern=P size=S connections=N run=R
 * loops-result role=... (the binding side)   then the connecting side's line, or
 * failed &lt;why&gt;                             when a side could not run
 * </pre>
 */
record RunLog(Map<String, String> meta, List<Run> runs) {

    /** Where one run of a cell was made. */
    record Cell(String impl, String java, int threads, String pattern, int size, int connections) {
    }

    /** One run: both sides' results, or why it failed. */
    record Run(Cell cell, int run, LoopResult binder, LoopResult connecter, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    static RunLog read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    static RunLog parse(List<String> lines) {
        Map<String, String> meta = new LinkedHashMap<>();
        List<Run> runs = new ArrayList<>();
        Cell cell = null;
        int run = 0;
        List<LoopResult> results = new ArrayList<>();
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("meta ")) {
                    String rest = line.substring(5).strip();
                    int sp = rest.indexOf(' ');
                    meta.put(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1).strip());
                } else if (line.startsWith("cell ")) {
                    Map<String, String> kv = fields(line.substring(5));
                    cell = new Cell(kv.get("impl"), kv.get("java"), Integer.parseInt(kv.get("threads")), kv.get("pattern"),
                            Integer.parseInt(kv.get("size")), Integer.parseInt(kv.get("connections")));
                    if (cell.impl() == null || cell.java() == null || cell.pattern() == null) {
                        throw new IllegalArgumentException("a cell line needs impl, java, threads, pattern, size, connections, run");
                    }
                    run = Integer.parseInt(kv.get("run"));
                    results.clear();
                } else if (line.startsWith(LoopResult.PREFIX)) {
                    requireCell(cell);
                    results.add(LoopResult.parse(line));
                    if (results.size() == 2) {
                        runs.add(new Run(cell, run, results.get(0), results.get(1), null));
                        cell = null;
                    }
                } else if (line.startsWith("failed")) {
                    requireCell(cell);
                    runs.add(new Run(cell, run, null, null, line.substring(6).strip()));
                    cell = null;
                } else {
                    throw new IllegalArgumentException("unexpected line");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage() + ": " + raw, e);
            }
        }
        return new RunLog(meta, runs);
    }

    private static void requireCell(Cell cell) {
        if (cell == null) {
            throw new IllegalArgumentException("a result with no cell line before it");
        }
    }

    private static Map<String, String> fields(String text) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : text.strip().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed field '" + part + "'");
            }
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return kv;
    }
}
