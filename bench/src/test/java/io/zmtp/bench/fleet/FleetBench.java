package io.zmtp.bench.fleet;

import io.zmtp.socket.ZmtpContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The config center's fleet benchmark: a real {@code config-center server} process (on its
 * embedded H2 store or on PostgreSQL), real agents spread over several processes
 * ({@link FleetAgents}), and a publisher speaking the admin protocol. It measures
 * <ul>
 *   <li>{@code latency}: publish -> applied on every agent, for 1 KiB change sets published at a
 *       steady rate, p50/p99/max over every (agent, revision) pair after a warm-up; with the
 *       server's CPU and resident memory;</li>
 *   <li>{@code throughput}: durable change sets per second, several admin connections each keeping
 *       a window of puts in flight (each answer comes after the commit is on disk), while readers of
 *       that namespace follow; median of several runs;</li>
 *   <li>{@code failover} (PostgreSQL): two server replicas on one database, agents listing both;
 *       kill -9 of the replica the agents use, a revision published through the other right after,
 *       and the time from the kill until each agent holds it.</li>
 * </ul>
 * Each cell appends a Markdown table row to {@code --out}. Options: see {@link #main}.
 */
public final class FleetBench {
    static final String NS = "bench/fleet";
    static final String BURST_NS = "bench/burst";
    static final String ADMIN = "bench";
    static final String ADMIN_PASSWORD = "bench-secret";
    private static final Duration READY = Duration.ofSeconds(180);

    private final Args args;
    private final Path work;
    private final Path out;
    private final Path tsv;
    private final String store;
    private String pgDatabase;

    private FleetBench(Args args) throws IOException {
        this.args = args;
        this.work = Files.createDirectories(Path.of(args.required("work")));
        this.out = Path.of(args.required("out"));
        this.tsv = Path.of(args.get("tsv", out + ".tsv"));
        this.store = args.get("store", "h2");
        if (!store.equals("h2") && !store.equals("pg")) {
            throw new IllegalArgumentException("--store is h2 or pg, not " + store);
        }
    }

    /**
     * {@code --mode latency|throughput|failover --store h2|pg --work DIR --out FILE}, and per mode:
     * latency: {@code --agents N --procs P --rate PER_S --revisions M --warmup W};
     * throughput: {@code --agents N --procs P --readers R --connections C --window K --seconds S --runs X};
     * failover: {@code --agents N --procs P --rounds X --heartbeat-ms H --failover-after-ms F}.
     */
    public static void main(String[] argv) throws Exception {
        Args a = Args.parse(argv);
        FleetBench b = new FleetBench(a);
        try {
            switch (a.required("mode")) {
                case "latency", "throughput" -> b.fleetCells(a.required("mode"));
                case "failover" -> b.failover();
                default -> throw new IllegalArgumentException("--mode is latency, throughput or failover");
            }
        } finally {
            b.dropDatabase();
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ latency and throughput

    private void fleetCells(String mode) throws Exception {
        int agents = args.integer("agents", 100);
        int procs = args.integer("procs", 4);
        int readers = args.integer("readers", 10);
        Path whitelist = writeWhitelist(agents, readers);
        List<Child> children = new ArrayList<>();
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            Server started = startServer("server", whitelist, work.resolve("data"), 1000);
            Child server = started.child();
            children.add(server);
            String pub = started.updates();
            String router = started.sync();
            try (AdminConnection admin = new AdminConnection(ctx, router, ADMIN, ADMIN_PASSWORD)) {
                // Agents confirm a namespace only once it exists.
                admin.put(NS, entries(0), "start", Duration.ofSeconds(30));
                admin.put(BURST_NS, entries(0), "start", Duration.ofSeconds(30));
                long rssBefore = server.rssBytes();
                List<Child> fleet = startAgents("n", agents, procs, NS, pub, router, null, null, 5000);
                children.addAll(fleet);
                if (mode.equals("latency")) {
                    latency(server, admin, fleet, agents, procs, rssBefore);
                } else {
                    List<Child> readerProcs = startAgents("r", readers, 1, BURST_NS, pub, router, null, null, 5000);
                    children.addAll(readerProcs);
                    throughput(ctx, router, readerProcs, agents, readers);
                }
            }
        } finally {
            for (Child c : children) {
                c.close();
            }
        }
    }

    private void latency(Child server, AdminConnection admin, List<Child> fleet, int agents, int procs, long rssBefore)
            throws Exception {
        int rate = args.integer("rate", 10);
        int revisions = args.integer("revisions", 100);
        int warmup = args.integer("warmup", 20);
        long first = 2;  // revision 1 made the namespace
        // The warm-up may run faster (the JIT has work to do, not the figure); the measured part at `rate`.
        int warmupRate = args.integer("warmup-rate", rate);
        long start = System.nanoTime();
        long cpu0 = 0;
        long agentsCpu0 = 0;
        long t0 = 0;
        long last = 0;
        long[] acks = new long[revisions];
        for (int k = 0; k < warmup + revisions; k++) {
            if (k == warmup) {
                // Settle: what the warm-up set in motion (applies, reports) ends before the clock starts.
                converge(fleet, last, agents);
                cpu0 = server.cpuNanos();
                agentsCpu0 = cpuOf(fleet);
                t0 = System.nanoTime();
                start = t0;
            }
            long due = k < warmup ? start + k * (1_000_000_000L / warmupRate)
                    : start + (k - warmup) * (1_000_000_000L / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            long sentAt = System.nanoTime();
            last = admin.put(NS, entries(k + 1), "rev " + k, Duration.ofSeconds(30));
            if (k >= warmup) {
                acks[k - warmup] = System.nanoTime() - sentAt;
            }
        }
        Arrays.sort(acks);
        long serverCpu = server.cpuNanos() - cpu0;
        long agentsCpu = cpuOf(fleet) - agentsCpu0;
        long measuredNanos = System.nanoTime() - t0;
        String digest = converge(fleet, last, agents);
        // Idle, after the run (warm): every agent connected, heartbeats and reports only.
        long idleCpu0 = server.cpuNanos();
        long idleAgents0 = cpuOf(fleet);
        long idleT0 = System.nanoTime();
        Thread.sleep(5000);  // a measuring window, not a wait for a condition
        long idleNanos = System.nanoTime() - idleT0;
        double idleShare = (double) (server.cpuNanos() - idleCpu0) / idleNanos;
        double agentsIdleShare = (double) (cpuOf(fleet) - idleAgents0) / idleNanos;
        double idleCpuPct = 100.0 * idleShare;
        // Per revision, above what the same time costs idle (at a low rate the idle cost is most of it).
        long cpuPerRevision = (long) Math.max(0, (serverCpu - idleShare * measuredNanos) / revisions);
        long agentsCpuPerRevision = (long) Math.max(0, (agentsCpu - agentsIdleShare * measuredNanos) / revisions);
        long rss = server.rssBytes();
        long firstMeasured = first + warmup;
        long[] lat = collect(fleet, "lat", firstMeasured, last);
        long expected = (long) agents * (last - firstMeasured + 1);
        Arrays.sort(lat);
        row(String.format(Locale.ROOT,
                "| latency | %s | %,d | %d | %d/s, %d (+%d warm-up) | %.1f / %.1f | %,d of %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f | %.0f -> %.0f | `%s` |",
                storeName(), agents, procs, rate, revisions, warmup, ms(pct(acks, 50)), ms(pct(acks, 99)), lat.length, expected,
                ms(pct(lat, 50)), ms(pct(lat, 99)), ms(pct(lat, 99.9)), ms(lat.length == 0 ? 0 : lat[lat.length - 1]),
                idleCpuPct, cpuPerRevision / 1e6, agentsCpuPerRevision / 1e6, rssBefore / 1048576.0, rss / 1048576.0,
                digest.substring(0, 12)));
        figure("latency", agents, "p50_ms", ms(pct(lat, 50)));
        figure("latency", agents, "p99_ms", ms(pct(lat, 99)));
        figure("latency", agents, "max_ms", ms(lat.length == 0 ? 0 : lat[lat.length - 1]));
        figure("latency", agents, "samples_missing", expected - lat.length);
        System.out.printf(Locale.ROOT, "latency %s %d agents: measured %d revisions in %.1f s%n", storeName(), agents,
                revisions, measuredNanos / 1e9);
    }

    private void throughput(ZmtpContext ctx, String router, List<Child> readerProcs, int agents, int readers)
            throws Exception {
        int connections = args.integer("connections", 4);
        int window = args.integer("window", 16);
        int seconds = args.integer("seconds", 5);
        int runs = args.integer("runs", 3);
        List<AdminConnection> conns = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            conns.add(new AdminConnection(ctx, router, ADMIN, ADMIN_PASSWORD));
        }
        try {
            double[] rates = new double[runs];
            long last = 0;
            for (int run = 0; run < runs; run++) {
                AtomicLong highest = new AtomicLong();
                rates[run] = burst(conns, window, seconds, highest);
                last = Math.max(last, highest.get());
            }
            String digest = converge(readerProcs, last, readers);
            int warmRuns = Math.min(args.integer("warmup-runs", 0), runs - 1);
            double[] sorted = Arrays.copyOfRange(rates, warmRuns, runs);
            Arrays.sort(sorted);
            StringBuilder each = new StringBuilder();
            for (int r = 0; r < runs; r++) {
                String f = String.format(Locale.ROOT, "%,.0f", rates[r]);
                each.append(r == 0 ? "" : ", ").append(r < warmRuns ? "(" + f + ")" : f);
            }
            figure("throughput", agents, "median_per_s", sorted[sorted.length / 2]);
            row(String.format(Locale.ROOT, "| throughput | %s | %,d + %d readers | %d x %d in flight | %d x %d s | %,.0f | %s | %,d | `%s` |",
                    storeName(), agents, readers, connections, window, runs, seconds, sorted[sorted.length / 2], each, last,
                    digest.substring(0, 12)));
        } finally {
            conns.forEach(AdminConnection::close);
        }
    }

    /**
     * One run: every connection keeps {@code window} puts in flight for a second of warm-up and
     * then {@code seconds} measured; the rate of answers in the measured part. Every answer must be
     * a committed revision.
     */
    private double burst(List<AdminConnection> conns, int window, int seconds, AtomicLong highest) throws Exception {
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        AtomicLong counted = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        for (AdminConnection c : conns) {
            Thread t = new Thread(() -> {
                try {
                    int inFlight = 0;
                    long k = 0;
                    while (true) {
                        long now = System.nanoTime();
                        while (now < end && inFlight < window) {
                            c.sendPut(BURST_NS, entries(++k * 7919 + conns.indexOf(c)), "burst");
                            inFlight++;
                        }
                        if (inFlight == 0) {
                            return;
                        }
                        AdminConnection.Answer a = c.answer(Duration.ofSeconds(30));
                        if (a == null || a.error() != null) {
                            throw new IllegalStateException(a == null ? "no answer within 30 s" : a.error());
                        }
                        inFlight--;
                        highest.accumulateAndGet(a.revision(), Math::max);
                        long at = System.nanoTime();
                        if (at >= warmEnd && at < end) {
                            counted.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failed.add(e);
                }
            }, "publisher");
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("a publisher failed: " + failed.get(0), failed.get(0));
        }
        return counted.get() / (double) seconds;
    }

    // ------------------------------------------------------------------ failover

    /**
     * Each round starts two replicas and the agents afresh, half of the agent processes listing
     * replica A first and half replica B, publishes a warm-up through both so that both serve and
     * are warm (as replicas that have run for a while are), then kills A and publishes one revision
     * through B at once; it times each agent that was using A, from the kill until it holds that
     * revision.
     */
    private void failover() throws Exception {
        if (!store.equals("pg")) {
            throw new IllegalArgumentException("failover needs --store pg (replicas share a PostgreSQL database)");
        }
        int agents = args.integer("agents", 200);
        int procs = Math.max(2, args.integer("procs", 4));
        int rounds = args.integer("rounds", 3);
        int heartbeatMs = args.integer("heartbeat-ms", 250);
        int failoverAfterMs = args.integer("failover-after-ms", 1000);
        int warmup = args.integer("warmup", 100);
        Path whitelist = writeWhitelist(agents, 0);
        long[] medians = new long[rounds];
        long[] maxima = new long[rounds];
        int[] failedOver = new int[rounds];
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            for (int round = 0; round < rounds; round++) {
                List<Child> started = new ArrayList<>();
                try {
                    Server replicaA = startServer("replica-a-" + round, whitelist, null, heartbeatMs);
                    Child a = replicaA.child();
                    started.add(a);
                    Server replicaB = startServer("replica-b-" + round, whitelist, null, heartbeatMs);
                    started.add(replicaB.child());
                    String[] pub = {replicaA.updates(), replicaB.updates()};
                    String[] router = {replicaA.sync(), replicaB.sync()};
                    long rev;
                    try (AdminConnection viaA = new AdminConnection(ctx, router[0], ADMIN, ADMIN_PASSWORD);
                         AdminConnection viaB = new AdminConnection(ctx, router[1], ADMIN, ADMIN_PASSWORD)) {
                        rev = viaA.put(NS, entries(0), "round " + round, Duration.ofSeconds(30));
                        List<Child> fleet = new ArrayList<>();
                        int half = procs / 2;
                        int perProc = (agents + procs - 1) / procs;
                        int firstOfB = Math.min(agents, half * perProc);
                        fleet.addAll(startAgentsFrom("n", 0, firstOfB, half, NS, pub[0], router[0], pub[1], router[1], failoverAfterMs));
                        fleet.addAll(startAgentsFrom("n", firstOfB, agents - firstOfB, procs - half, NS, pub[1], router[1], pub[0],
                                router[0], failoverAfterMs));
                        started.addAll(fleet);
                        for (int k = 1; k <= warmup; k++) {  // through both, so that both are warm
                            rev = (k % 2 == 0 ? viaA : viaB).put(NS, entries(k), "warm-up", Duration.ofSeconds(30));
                        }
                        converge(fleet, rev, agents);
                        java.util.Set<Long> victims = new java.util.HashSet<>();
                        for (Child c : fleet) {
                            String[] w = c.ask("USING " + pub[0], Duration.ofSeconds(30), "USING").split(" ");
                            if (!w[2].equals("-")) {
                                for (String i : w[2].split(",")) {
                                    victims.add(Long.parseLong(i));
                                }
                            }
                        }
                        long killedAt = FleetAgents.wallNanos();
                        a.kill9();
                        rev = viaB.put(NS, entries(warmup + 1), "after the kill, round " + round, Duration.ofSeconds(30));
                        converge(fleet, rev, agents);
                        long[] times = collectSince(fleet, "failover-" + round, rev, killedAt, agents, victims);
                        Arrays.sort(times);
                        medians[round] = pct(times, 50);
                        maxima[round] = times[times.length - 1];
                        failedOver[round] = victims.size();
                        System.out.printf(Locale.ROOT, "failover round %d: kill -9 of replica A with %d agents on it, r%d on each:"
                                + " median %.0f ms, max %.0f ms%n", round, victims.size(), rev, ms(medians[round]), ms(maxima[round]));
                    }
                } finally {
                    for (int i = started.size() - 1; i >= 0; i--) {
                        started.get(i).close();
                    }
                }
            }
            StringBuilder each = new StringBuilder();
            for (int r = 0; r < rounds; r++) {
                each.append(r == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f / %.0f (%d)", ms(medians[r]),
                        ms(maxima[r]), failedOver[r]));
            }
            long[] sortedMax = maxima.clone();
            Arrays.sort(sortedMax);
            figure("failover", agents, "max_ms", ms(sortedMax[rounds - 1]));
            row(String.format(Locale.ROOT, "| failover | %s | %,d | %d | %d ms / %d ms | %d | %s | %.0f | %.0f |",
                    storeName(), agents, procs, heartbeatMs, failoverAfterMs, rounds, each, ms(sortedMax[rounds / 2]),
                    ms(sortedMax[rounds - 1])));
        }
    }

    // ------------------------------------------------------------------ parts

    /** A started server process and the endpoints it bound. */
    private record Server(Child child, String updates, String sync) {
    }

    /**
     * Starts a server on ports of its own choosing and reads them from the line it prints (a port
     * picked here and bound there could be taken in between by any connection on the machine).
     */
    private Server startServer(String name, Path whitelist, Path data, int heartbeatMs) throws Exception {
        List<String> a = new ArrayList<>(List.of("server", "--whitelist", whitelist.toString(),
                "--updates", "tcp://127.0.0.1:*", "--sync", "tcp://127.0.0.1:*",
                "--heartbeat", heartbeatMs + "ms"));
        if (store.equals("h2")) {
            a.addAll(List.of("--data", data.toString()));
        } else {
            a.addAll(List.of("--store", pgUrl(), "--db-user", pgUser(), "--db-password", pgPassword()));
        }
        Child c = Child.start(name, work, jvmOptions("FLEET_SERVER_JAVA_OPTS", "-Xmx1g"), "io.zmtp.config.cli.ConfigCenterCommand", a);
        String line = c.expect(Duration.ofSeconds(60), "config-center server:");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("updates (\\S+), sync (\\S+?),").matcher(line);
        if (!m.find()) {
            c.close();
            throw new IllegalStateException(name + ": no endpoints in '" + line + "'");
        }
        return new Server(c, m.group(1), m.group(2));
    }

    /** The CPU time of every process in {@code procs} together, in nanoseconds. */
    private static long cpuOf(List<Child> procs) {
        long sum = 0;
        for (Child c : procs) {
            sum += c.cpuNanos();
        }
        return sum;
    }

    /** JVM options of a child: {@code base}, quiet logging, and what {@code env} adds (a profiler's -agentpath, say). */
    private static List<String> jvmOptions(String env, String... base) {
        List<String> jvm = new ArrayList<>(List.of(base));
        jvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        String extra = System.getenv(env);
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        return jvm;
    }

    /** {@code count} agents over {@code procs} processes; returns once every one has confirmed {@code ns}. */
    private List<Child> startAgents(String prefix, int count, int procs, String ns, String updates, String sync,
                                    String updates2, String sync2, int failoverAfterMs) throws Exception {
        return startAgentsFrom(prefix, 0, count, procs, ns, updates, sync, updates2, sync2, failoverAfterMs);
    }

    /** Agents {@code from .. from + count - 1} over {@code procs} processes, as {@link #startAgents}. */
    private List<Child> startAgentsFrom(String prefix, int from, int count, int procs, String ns, String updates, String sync,
                                        String updates2, String sync2, int failoverAfterMs) throws Exception {
        List<Child> started = new ArrayList<>();
        int per = (count + procs - 1) / procs;
        for (int p = 0, first = from; first < from + count; p++, first += per) {
            int n = Math.min(per, from + count - first);
            List<String> a = new ArrayList<>(List.of("--updates", updates, "--sync", sync, "--prefix", prefix,
                    "--first", Integer.toString(first), "--count", Integer.toString(n), "--ns", ns,
                    "--cache", work.resolve("cache").toString(), "--failover-after-ms", Integer.toString(failoverAfterMs),
                    "--ready-timeout-s", Long.toString(READY.toSeconds())));
            if (updates2 != null) {
                a.addAll(List.of("--updates2", updates2, "--sync2", sync2));
            }
            String reportDelay = System.getenv("FLEET_REPORT_DELAY_MS");  // the agents' reportDelay, if not the default
            if (reportDelay != null && !reportDelay.isBlank()) {
                a.addAll(List.of("--report-delay-ms", reportDelay.trim()));
            }
            started.add(Child.start("agents-" + prefix + first, work, jvmOptions("FLEET_AGENT_JAVA_OPTS", "-Xmx512m", "-Xss512k"),
                    FleetAgents.class.getName(), a));
        }
        for (Child c : started) {
            c.expect(READY.plusSeconds(30), "READY");
        }
        return started;
    }

    /** Waits until every agent holds {@code rev} with one digest; that digest. */
    private static String converge(List<Child> procs, long rev, int agents) throws InterruptedException {
        String digest = null;
        for (Child c : procs) {
            String at = c.ask("WAIT " + rev + " 120000", Duration.ofSeconds(150), "AT", "BEHIND");
            if (!at.startsWith("AT")) {
                throw new IllegalStateException(c.name() + ": " + at + " agents never reached r" + rev);
            }
            String[] d = c.ask("DIGEST", Duration.ofSeconds(30), "DIGESTS").split(" ");
            if (!d[1].equals("1") || (digest != null && !digest.equals(d[2]))) {
                throw new IllegalStateException(c.name() + ": agents at r" + rev + " disagree on the digest: " + String.join(" ", d));
            }
            digest = d[2];
        }
        System.out.printf("%d agents at r%d, digest %s%n", agents, rev, digest);
        return digest;
    }

    /** Publish -> applied latencies (ns) of revisions {@code from..to} from every process's samples. */
    private long[] collect(List<Child> procs, String tag, long from, long to) throws Exception {
        List<Long> all = new ArrayList<>();
        for (Child c : procs) {
            for (long[] s : dump(c, tag)) {
                if (s[1] >= from && s[1] <= to) {
                    all.add(s[3] - s[2]);
                }
            }
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Per agent of {@code only}, the time from {@code since} until it applied {@code rev}; each of
     * them must have applied it.
     */
    private long[] collectSince(List<Child> procs, String tag, long rev, long since, int agents, java.util.Set<Long> only)
            throws Exception {
        Map<Long, Long> byNode = new LinkedHashMap<>();
        for (Child c : procs) {
            for (long[] s : dump(c, tag)) {
                if (s[1] == rev && only.contains(s[0])) {
                    byNode.merge(s[0], s[3] - since, Math::min);
                }
            }
        }
        if (byNode.size() != only.size() || only.isEmpty()) {
            throw new IllegalStateException("only " + byNode.size() + " of the " + only.size() + " agents on the killed replica"
                    + " (of " + agents + ") recorded r" + rev
                    + " (the others reached it in a snapshot of a later revision?)");
        }
        return byNode.values().stream().mapToLong(Long::longValue).toArray();
    }

    private List<long[]> dump(Child c, String tag) throws Exception {
        Path f = work.resolve(tag + "-" + c.name() + ".txt");
        String answer = c.ask("DUMP " + f, Duration.ofSeconds(60), "DUMPED");
        if (!answer.endsWith(" 0")) {
            throw new IllegalStateException(c.name() + ": samples overflowed: " + answer);
        }
        List<long[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            String[] w = line.split(" ");
            out.add(new long[] {Long.parseLong(w[0]), Long.parseLong(w[1]), Long.parseLong(w[2]), Long.parseLong(w[3])});
        }
        return out;
    }

    /**
     * A change set of about 1 KiB: {@code sent} (the wall clock now) and a 1,000-byte {@code pad}
     * that differs from the previous one (an unchanged value would not be part of the revision).
     */
    static Map<String, byte[]> entries(long k) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("sent", Long.toString(FleetAgents.wallNanos()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] pad = new byte[1000];
        Arrays.fill(pad, (byte) ('a' + (k % 26)));
        byte[] n = Long.toString(k).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, pad, 0, n.length);
        m.put("pad", pad);
        return m;
    }

    private Path writeWhitelist(int agents, int readers) throws IOException {
        StringBuilder w = new StringBuilder("admin " + ADMIN + " " + ADMIN_PASSWORD + "\n");
        for (int i = 0; i < agents; i++) {
            w.append("node n").append(i).append(" p").append(i).append(' ').append(NS).append('\n');
        }
        for (int i = 0; i < readers; i++) {
            w.append("node r").append(i).append(" p").append(i).append(' ').append(BURST_NS).append('\n');
        }
        Path f = work.resolve("whitelist.txt");
        Files.writeString(f, w);
        return f;
    }

    /** A figure for the script's target checks: kind, store, agents, metric, value (tab-separated). */
    private void figure(String kind, int agents, String metric, double value) throws IOException {
        Files.writeString(tsv, String.format(Locale.ROOT, "%s\t%s\t%d\t%s\t%.3f%n", kind, store, agents, metric, value),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private void row(String line) throws IOException {
        System.out.println(line);
        Files.writeString(out, line + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private String storeName() {
        return store.equals("h2") ? "H2 (embedded)" : "PostgreSQL";
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ------------------------------------------------------------------ PostgreSQL

    private static String pgSetting(String env, String orElse) {
        String v = System.getenv(env);
        return v == null || v.isBlank() ? orElse : v;
    }

    private String pgUser() {
        return pgSetting("ZMTP_PG_USER", "zmtp");
    }

    private String pgPassword() {
        return pgSetting("ZMTP_PG_PASSWORD", "zmtp-test");
    }

    private String pgServer() {
        return "jdbc:postgresql://" + pgSetting("ZMTP_PG_HOST", "127.0.0.1") + ":" + pgSetting("ZMTP_PG_PORT", "5432") + "/";
    }

    /** A fresh database for this run (dropped at the end), so runs share nothing. */
    private String pgUrl() throws SQLException {
        if (pgDatabase == null) {
            String name = "zmtp_fleet_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
            try (Connection c = DriverManager.getConnection(pgServer() + "postgres", pgUser(), pgPassword());
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            pgDatabase = name;
        }
        return pgServer() + pgDatabase;
    }

    /** Drops this run's database; the servers' last sessions may take a moment to end, so it tries a few times. */
    private void dropDatabase() throws InterruptedException {
        if (pgDatabase == null) {
            return;
        }
        SQLException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Connection c = DriverManager.getConnection(pgServer() + "postgres", pgUser(), pgPassword());
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + pgDatabase);
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(500);  // sessions still closing: a bounded retry, not a wait on a condition we can see
            }
        }
        System.err.println("could not drop " + pgDatabase + ": " + last.getMessage());
    }
}
