package io.zmtp.config.cli;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.console.ConsoleServer;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Rollout;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code config-center demo}: a server on a temporary embedded store and N agents in one
 * process, over real TCP on loopback. It pushes change sets, one while an agent is offline, lets
 * an agent join late and a stranger try to connect, then prints the status table: every node at
 * the same revision and digest as the server. Exit 0 when they all converged, 1 otherwise.
 */
@Command(name = "demo", description = "Run a server and agents in one process and show them converge.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:every node converged", "1:not converged, or failed", ExitCodes.NOT_STARTED,
                "130:with --http, the console stopped by Ctrl-C after the run (143: by SIGTERM)"})
final class DemoCommand implements Callable<Integer> {
    private static final String[] NAMESPACES = {"app/web", "app/db"};

    @Option(names = "--agents", defaultValue = "4", description = "number of agents (default ${DEFAULT-VALUE}, at least 3)")
    int agentCount;
    @Option(names = "--timeout", defaultValue = "60s", description = "how long to wait for convergence (default ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--http", paramLabel = "ENDPOINT",
            description = "after the run, serve the web console on this endpoint (e.g. tcp://127.0.0.1:8080) until interrupted")
    String http;

    @Spec
    CommandSpec spec;
    private final PrintStream out = System.out;
    private final List<ConfigAgent> agents = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (agentCount < 3) {
            throw Arguments.usage(spec, "--agents must be at least 3 (one goes offline, one joins late), got " + agentCount);
        }
        Duration convergeWithin = Arguments.positiveDuration(spec, "--timeout", timeout);
        if (http != null) {
            try {
                ConsoleServer.parse(http);
            } catch (IllegalArgumentException e) {
                throw Arguments.usage(spec, "--http: " + e.getMessage());
            }
        }
        Path dir = Files.createTempDirectory("config-center-demo");
        Whitelist whitelist = new Whitelist().admin("demo", "demo-admin");
        for (int i = 1; i <= agentCount; i++) {
            whitelist.node("node-" + i, "secret-" + i, NAMESPACES);
        }
        long started = System.nanoTime();
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(300), ctx)) {
            out.println("server: store " + dir.resolve("data") + ", updates " + server.updatesEndpoint()
                    + ", sync " + server.syncEndpoint());
            for (int i = 1; i < agentCount; i++) {
                startAgent(server, ctx, dir, i);
            }
            out.println("agents node-1..node-" + (agentCount - 1) + " started; node-" + agentCount + " will join late");
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (agents.stream().anyMatch(a -> !server.tracker().online(a.nodeId(), Duration.ofSeconds(1)))
                    && System.nanoTime() < until) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }

            step(server, "app/web", List.of(Change.put("port", "8080"), Change.put("threads", "16")), "initial web settings");
            step(server, "app/db", List.of(Change.put("url", "jdbc:postgresql://db:5432/app"), Change.put("pool", "10")),
                    "initial db settings");

            ConfigAgent offline = agents.remove(1);
            offline.close();
            out.println("node-2 goes offline");
            step(server, "app/web", List.of(Change.put("threads", "32")), "more threads (node-2 is offline)");
            startAgent(server, ctx, dir, 2);
            out.println("node-2 restarts from its cache at r" + agents.get(agents.size() - 1).revision("app/web")
                    + " of app/web and resyncs");

            for (int i = 1; i <= 20; i++) {
                server.publish("app/web", List.of(Change.put("feature." + (i % 4), "rollout-" + i)), "demo", "burst " + i);
            }
            out.println("published a burst of 20 change sets to app/web");
            server.publish("app/db", List.of(Change.delete("pool"), Change.put("pool.max", "20")), "demo", "pool settings renamed");

            startAgent(server, ctx, dir, agentCount);
            out.println("node-" + agentCount + " joins late");
            ConfigAgent stranger = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                    .node("stranger", "guess").namespaces("app/db").context(ctx).start();
            out.println("a node that is not on the whitelist tries to connect");

            boolean converged = awaitConverged(server, store, convergeWithin);
            stranger.close();
            out.println();
            boolean allOk = StatusTable.print(server.status(), out);
            out.println();
            out.printf("%s in %.1f s: %d agents, namespaces %s at r%d and r%d%n",
                    converged && allOk ? "CONVERGED" : "NOT CONVERGED", (System.nanoTime() - started) / 1e9,
                    agentCount, String.join(", ", NAMESPACES), store.latestRevision("app/web"), store.latestRevision("app/db"));
            if (http != null) {
                serveConsole(server);
            }
            agents.forEach(ConfigAgent::close);
            return converged && allOk ? 0 : 1;
        } finally {
            deleteTree(dir);
        }
    }

    /** Serves the console over the demo's server and agents (still running) until the process is interrupted. */
    private void serveConsole(ConfigServer server) throws InterruptedException {
        try (ConsoleServer console = new ConsoleServer(server, http, server.metrics()::scrape)) {
            out.println();
            out.println("console: " + console.url() + "  (admin 'demo', password 'demo-admin'); Ctrl-C to stop");
            out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    private void startAgent(ConfigServer server, ZmtpContext ctx, Path dir, int i) {
        agents.add(ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                .node("node-" + i, "secret-" + i).namespaces(NAMESPACES).context(ctx)
                .cacheDir(dir.resolve("cache-node-" + i)).reportInterval(Duration.ofMillis(300)).start());
    }

    private void step(ConfigServer server, String ns, List<Change> changes, String message) {
        Rollout r = server.publish(ns, changes, "demo", message);
        r.awaitSettled(Duration.ofSeconds(10));
        Map<String, Rollout.State> states = r.states();
        out.printf("%s r%d \"%s\": %d of %d nodes applied %s%n", ns, r.revision().number(), message, r.applied(),
                states.size(), states);
    }

    /** Every agent at the server's revision and digest of every namespace, and reported so. */
    private boolean awaitConverged(ConfigServer server, H2ConfigStore store, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (String ns : NAMESPACES) {
                long rev = store.latestRevision(ns);
                String digest = store.snapshot(ns).digest();
                for (ConfigAgent a : agents) {
                    var s = a.snapshot(ns);
                    var report = server.tracker().report(a.nodeId(), ns);
                    all &= s.revision() == rev && s.digest().equals(digest) && report != null && report.revision() == rev;
                }
            }
            if (all) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return false;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
