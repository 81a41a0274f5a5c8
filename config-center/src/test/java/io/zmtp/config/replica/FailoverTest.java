package io.zmtp.config.replica;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.store.PgTestDatabase;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19: two replicas in processes of their own on one PostgreSQL database; agents in this JVM
 * use replica A first and B second. A burst of revisions is published through B, and A is killed
 * ({@code kill -9}) in the middle of it. Every agent moves to B and ends at B's last revision and
 * digest, having applied each revision once, in order. The time from the kill until every agent
 * holds the last revision is printed (a record, not an assertion).
 */
class FailoverTest {
    private static final int AGENTS = 50;
    private static final int BURST = 200;
    /** Between two publishes of the burst: it lasts at least BURST x this, so the kill lands in it. */
    private static final int PAUSE_MS = 20;
    private static final Duration HEARTBEAT = Duration.ofMillis(250);
    private static final Duration FAILOVER_AFTER = Duration.ofMillis(2000);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NS = PgReplicaProcess.NS;

    @TempDir
    Path dir;

    /** A replica process, its output lines of interest and its endpoints. */
    private record Replica(Process process, BlockingQueue<String> lines, String updates, String sync) {
        void send(String command) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                // each line as "<System.nanoTime() when read> <line>"
                int space = line == null ? -1 : line.indexOf(' ');
                if (space > 0 && line.startsWith(prefix, space + 1)) {
                    return line;
                }
            }
            throw new AssertionError("replica said no '" + prefix + "' within " + WAIT);
        }
    }

    @Test
    void agentsMoveToReplicaBWhenReplicaAIsKilledInTheMiddleOfABurst() throws Exception {
        List<Replica> replicas = new ArrayList<>();
        List<ConfigAgent> agents = new ArrayList<>();
        List<List<Long>> applied = new ArrayList<>();
        try (PgTestDatabase db = PgTestDatabase.create(); ZmtpContext ctx = new ZmtpContext(2)) {
            try {
                run(db, ctx, replicas, agents, applied);
            } finally {
                agents.forEach(ConfigAgent::close);  // before their context closes
            }
        } finally {
            for (Replica r : replicas) {
                r.process().destroyForcibly();
                r.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private void run(PgTestDatabase db, ZmtpContext ctx, List<Replica> replicas, List<ConfigAgent> agents,
                     List<List<Long>> applied) throws Exception {
        {
            Replica a = start(db, "a");
            replicas.add(a);
            Replica b = start(db, "b");
            replicas.add(b);
            b.send("burst 1 0");
            b.await("BURST-DONE ");

            for (int i = 0; i < AGENTS; i++) {
                List<Long> revs = new ArrayList<>();
                applied.add(revs);
                ConfigAgent agent = ConfigAgent.builder().server(a.updates(), a.sync()).alsoServer(b.updates(), b.sync())
                        .failoverAfter(FAILOVER_AFTER).syncTimeout(Duration.ofSeconds(2))
                        .node("n" + i, "pw").namespaces(NS).context(ctx).start();
                agent.addListener((ns, rev, changes, now) -> {
                    synchronized (revs) {
                        revs.add(rev);
                    }
                });
                agents.add(agent);
            }
            await().atMost(WAIT).until(() -> agents.stream().allMatch(ag -> ag.isConfirmed(NS) && ag.revision(NS) == 1));
            // On a loaded machine an agent may have heard nothing from A for FAILOVER_AFTER already and
            // moved to B, which is allowed; the kill must still take most of them by surprise.
            long onA = agents.stream().filter(ag -> ag.server().sync().equals(a.sync())).count();

            b.send("burst " + BURST + " " + PAUSE_MS);
            // A relays B's revisions to its agents (it learns them from the database); kill it part way.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(() -> agents.stream().anyMatch(ag -> ag.revision(NS) >= 1 + BURST / 10));
            // Counted before the kill: an agent whose standby is up leaves A as soon as its connection drops.
            long stillOnA = agents.stream().filter(ag -> ag.server().sync().equals(a.sync())).count();
            long killed = System.nanoTime();
            a.process().destroyForcibly();
            assertThat(a.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            long atKill = agents.stream().mapToLong(ag -> ag.revision(NS)).max().orElse(0);
            assertThat(stillOnA).as("agents on A when it was killed").isGreaterThan(AGENTS / 2);

            await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> agents.stream().allMatch(ag -> ag.server().sync().equals(b.sync())));
            long moved = System.nanoTime();

            String[] done = b.await("BURST-DONE ").split(" ");
            long burstEnded = Long.parseLong(done[0]);
            long last = Long.parseLong(done[2]);
            String digest = done[3];
            assertThat(last).isEqualTo(1 + BURST);
            assertThat(atKill).as("the kill came before the burst's end").isLessThan(last);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> agents.stream()
                    .allMatch(ag -> ag.revision(NS) == last));
            long converged = System.nanoTime();
            System.out.printf("FailoverTest: %d agents (%d on A after the first sync, %d at the kill), burst of %d"
                            + " through B, A killed with agents at r%d at most; all at r%d %d ms after the kill"
                            + " (failover after %d ms of silence; all on B %d ms after the kill; the burst ended %d ms"
                            + " after the kill)%n",
                    AGENTS, onA, stillOnA, BURST, atKill, last, TimeUnit.NANOSECONDS.toMillis(converged - killed),
                    FAILOVER_AFTER.toMillis(), TimeUnit.NANOSECONDS.toMillis(moved - killed),
                    TimeUnit.NANOSECONDS.toMillis(burstEnded - killed));

            for (int i = 0; i < AGENTS; i++) {
                ConfigAgent ag = agents.get(i);
                assertThat(ag.snapshot(NS).digest()).as(ag.nodeId()).isEqualTo(digest);
                assertThat(ag.server().sync()).as(ag.nodeId()).isEqualTo(b.sync());
                List<Long> revs;
                synchronized (applied.get(i)) {
                    revs = List.copyOf(applied.get(i));
                }
                for (int k = 1; k < revs.size(); k++) {
                    assertThat(revs.get(k)).as(ag.nodeId() + " applied " + revs).isGreaterThan(revs.get(k - 1));
                }
                assertThat(revs.get(revs.size() - 1)).isEqualTo(last);
            }
        }
    }

    private Replica start(PgTestDatabase db, String name) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), PgReplicaProcess.class.getName(),
                db.url(), db.user(), db.password(), Long.toString(HEARTBEAT.toMillis()), Integer.toString(AGENTS));
        pb.redirectError(dir.resolve(name + ".err").toFile());
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(System.nanoTime() + " " + line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "replica-" + name + "-out");
        reader.setDaemon(true);
        reader.start();
        Replica half = new Replica(p, lines, null, null);
        String[] ready = half.await("READY ").split(" ");
        return new Replica(p, lines, ready[2], ready[3]);
    }
}
