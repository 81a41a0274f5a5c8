package io.zmtp.bench.fleet;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.socket.ZmtpContext;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One agent process of the fleet benchmark: {@code --count} real {@link ConfigAgent}s (nodes
 * {@code <prefix><i>}, password {@code p<i>}, each with a cache directory of its own) on one
 * context, reading one namespace. Each applied revision that carries a {@code sent} key (the
 * publisher's wall clock in epoch nanoseconds) is recorded with the wall clock at which it was
 * applied; both ends read the same host clock, so the difference is publish -> applied.
 *
 * <p>It prints {@code READY <n>} once every agent has confirmed the namespace with the server, then
 * takes line commands on standard input:
 * <pre>
 * WAIT &lt;rev&gt; &lt;timeout-ms&gt;   until every agent holds at least rev: "AT &lt;rev&gt;" or "BEHIND &lt;n&gt;"
 * DIGEST                     "DIGESTS &lt;distinct (revision, digest) pairs&gt; &lt;the first agent's digest&gt;"
 * USING &lt;updates endpoint&gt;  the agents using that server now: "USING &lt;n&gt; &lt;i,j,...&gt;"
 * DUMP &lt;file&gt;               writes "node rev sent-nanos applied-nanos" lines: "DUMPED &lt;n&gt;"
 * QUIT
 * </pre>
 */
public final class FleetAgents {
    private final List<ConfigAgent> agents = new ArrayList<>();
    private final String namespace;
    /** The index of the first agent here (its node id is the prefix and this number). */
    private int first;
    /** Samples: node index, revision, sent and applied wall clock; appended by the agent threads. */
    private final long[] nodes;
    private final long[] revisions;
    private final long[] sent;
    private final long[] applied;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger overflow = new AtomicInteger();

    private FleetAgents(String namespace, int capacity) {
        this.namespace = namespace;
        nodes = new long[capacity];
        revisions = new long[capacity];
        sent = new long[capacity];
        applied = new long[capacity];
    }

    /** The host's wall clock in nanoseconds since the epoch (microsecond resolution on Linux). */
    static long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void record(int node, long revision, byte[] sentValue) {
        long at = wallNanos();
        long t;
        try {
            t = Long.parseLong(new String(sentValue, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return;
        }
        int i = next.getAndIncrement();
        if (i >= nodes.length) {
            overflow.incrementAndGet();
            return;
        }
        nodes[i] = node;
        revisions[i] = revision;
        sent[i] = t;
        applied[i] = at;
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        String updates = a.required("updates");
        String sync = a.required("sync");
        String prefix = a.get("prefix", "n");
        int first = a.integer("first", 0);
        int count = a.integer("count", 1);
        String ns = a.required("ns");
        Path cache = Path.of(a.required("cache"));
        int capacity = a.integer("samples", 1_000_000);
        int ioThreads = a.integer("io-threads", 1);
        String updates2 = a.get("updates2", null);
        String sync2 = a.get("sync2", null);
        Duration failoverAfter = Duration.ofMillis(a.integer("failover-after-ms", 5000));
        String reportDelay = a.get("report-delay-ms", null);

        FleetAgents fleet = new FleetAgents(ns, capacity);
        fleet.first = first;
        try (ZmtpContext ctx = new ZmtpContext(ioThreads)) {
            for (int i = first; i < first + count; i++) {
                int node = i;
                ConfigAgent.Builder b = ConfigAgent.builder().server(updates, sync)
                        .node(prefix + i, "p" + i).namespaces(ns).context(ctx)
                        .cacheDir(Files.createDirectories(cache.resolve(prefix + i)))
                        .failoverAfter(failoverAfter);
                if (updates2 != null) {
                    b.alsoServer(updates2, sync2);
                }
                if (reportDelay != null) {
                    b.reportDelay(Duration.ofMillis(Long.parseLong(reportDelay)));
                }
                ConfigAgent agent = b.start();
                agent.addListener((namespace, revision, changes, now) ->
                        now.get("sent").ifPresent(v -> fleet.record(node, revision, v)));
                fleet.agents.add(agent);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(a.integer("ready-timeout-s", 120)).toNanos();
            while (!fleet.agents.stream().allMatch(x -> x.isConfirmed(ns))) {
                if (System.nanoTime() > deadline) {
                    long waiting = fleet.agents.stream().filter(x -> !x.isConfirmed(ns)).count();
                    System.out.println("FAILED " + waiting + " agents never confirmed " + ns);
                    System.exit(1);
                }
                Thread.sleep(20);  // a poll of 1,000 agents' state; the process does nothing else
            }
            System.out.println("READY " + fleet.agents.size());
            System.out.flush();
            fleet.serve();
            fleet.agents.forEach(ConfigAgent::close);
        }
    }

    private void serve() throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" +");
            switch (w[0]) {
                case "WAIT" -> {
                    long rev = Long.parseLong(w[1]);
                    long deadline = System.nanoTime() + Duration.ofMillis(Long.parseLong(w[2])).toNanos();
                    long behind;
                    while ((behind = agents.stream().filter(x -> x.revision(namespace) < rev).count()) > 0
                            && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    System.out.println(behind == 0 ? "AT " + rev : "BEHIND " + behind);
                }
                case "DIGEST" -> {
                    long distinct = agents.stream().map(x -> x.snapshot(namespace).revision() + " "
                            + x.snapshot(namespace).digest()).distinct().count();
                    System.out.println("DIGESTS " + distinct + " " + agents.get(0).snapshot(namespace).digest());
                }
                case "USING" -> {
                    StringBuilder on = new StringBuilder();
                    int n = 0;
                    for (int i = 0; i < agents.size(); i++) {
                        if (agents.get(i).server().updates().equals(w[1])) {
                            on.append(n++ == 0 ? "" : ",").append(first + i);
                        }
                    }
                    System.out.println("USING " + n + " " + (n == 0 ? "-" : on));
                }
                case "DUMP" -> {
                    int n = Math.min(next.get(), nodes.length);
                    try (BufferedWriter out = Files.newBufferedWriter(Path.of(w[1]))) {
                        for (int i = 0; i < n; i++) {
                            out.write(nodes[i] + " " + revisions[i] + " " + sent[i] + " " + applied[i] + "\n");
                        }
                    }
                    System.out.println("DUMPED " + n + " " + overflow.get());
                }
                case "QUIT" -> {
                    return;
                }
                default -> System.out.println("ERROR unknown command " + w[0]);
            }
            System.out.flush();
        }
    }
}
