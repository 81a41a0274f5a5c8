package io.zmtp.config.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.Revision;
import io.zmtp.config.protocol.Wire;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 18, item 2: HEARTBEATs (PUB) and sync answers (ROUTER) travel on different sockets, so a
 * heartbeat can carry a revision below one the agent already applied. The agent takes a lower
 * revision as "the store went back" (SYNC from 0) only when the heartbeat's epoch differs from the
 * server run it synced with. A scripted server plays both sockets so the order is exact.
 */
class LateHeartbeatTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "app/web";
    private static final String EPOCH = "00000000000000e1";

    @Test
    void aLateHeartbeatDoesNotForceASnapshotButAnotherServerRunThatWentBackDoes() throws Exception {
        try (ZmtpContext ctx = new ZmtpContext(2);
             Socket pub = ctx.socket(SocketType.PUB);
             Socket router = ctx.socket(SocketType.ROUTER)) {
            for (Socket s : new Socket[] {pub, router}) {
                s.options().linger(0).plainServer(r -> CompletableFuture.completedFuture(AuthResult.ok("n1")));
            }
            String updates = pub.bind("tcp://127.0.0.1:*");
            String sync = router.bind("tcp://127.0.0.1:*");
            List<Revision> revs = revisions(4);
            try (ConfigAgent agent = ConfigAgent.builder().server(updates, sync).node("n1", "pw").namespaces(NS)
                    .context(ctx).syncTimeout(Duration.ofSeconds(60)).start()) {
                Sync first = nextSync(router);
                assertThat(first.from).isZero();
                answer(router, first, revs.subList(0, 2));
                await().atMost(WAIT).until(() -> agent.revision(NS) == 2);

                // Publish r3 until it lands: then the subscription is up and PUB order is exact.
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                    pub.send(update(revs.get(2)));
                    return agent.revision(NS) == 3;
                });

                // A late heartbeat (r1, this run), then one announcing r4: the agent's next SYNC must
                // start at r3, not at 0.
                pub.send(heartbeat(revs.get(0), EPOCH));
                pub.send(heartbeat(revs.get(3), EPOCH));
                Sync second = nextSync(router);
                assertThat(second.from).as("SYNC after a late heartbeat").isEqualTo(3);
                answer(router, second, revs.subList(3, 4));
                await().atMost(WAIT).until(() -> agent.revision(NS) == 4);

                // Another server run whose store went back to r2: a full snapshot.
                pub.send(heartbeat(revs.get(1), "00000000000000e2"));
                Sync third = nextSync(router);
                assertThat(third.from).as("SYNC after a heartbeat of another run with a lower revision").isZero();
                // That server's history reaches back to r1, so it answers with revisions, not a
                // snapshot: the agent rebuilds from empty and lands on r2 instead of skipping them
                // as old and asking from 0 for ever.
                answer(router, third, revs.subList(0, 2), "00000000000000e2");
                await().atMost(WAIT).until(() -> agent.revision(NS) == 2);
                assertThat(agent.get(NS, "k3")).isEmpty();
                assertThat(agent.snapshot(NS).digest()).isEqualTo(revs.get(1).digest());
            }
        }
    }

    private record Sync(byte[] id, long from, long req) {
    }

    /** The next SYNC on the router, skipping REPORTs. */
    private static Sync nextSync(Socket router) {
        for (int i = 0; i < 1000; i++) {
            Message m = router.receive(WAIT);
            assertThat(m).as("a SYNC from the agent").isNotNull();
            try (m) {
                if (m.string(1).equals(Wire.SYNC)) {
                    ObjectNode h = Wire.header(m.bytes(2));
                    return new Sync(m.bytes(0), h.get("from").asLong(), h.get("req").asLong());
                }
            }
        }
        throw new AssertionError("no SYNC in 1000 messages");
    }

    private static void answer(Socket router, Sync s, List<Revision> page) {
        answer(router, s, page, EPOCH);
    }

    private static void answer(Socket router, Sync s, List<Revision> page, String epoch) {
        Revision last = null;
        for (Revision r : page) {
            ObjectNode h = Wire.revisionHeader(r);
            h.put("req", s.req);
            router.send(Wire.withValues(Message.of(s.id).add(Wire.REVISION).add(Wire.json(h)), r.changes()));
            last = r;
        }
        ObjectNode h = Wire.object();
        h.put("ns", NS);
        h.put("rev", last.number());
        h.put("digest", last.digest());
        h.put("req", s.req);
        h.put("more", false);
        h.put("epoch", epoch);
        router.send(Message.of(s.id).add(Wire.SYNCED).add(Wire.json(h)));
    }

    private static Message update(Revision r) {
        return Wire.withValues(Message.of(Wire.topic(NS)).add(Wire.UPDATE).add(Wire.json(Wire.revisionHeader(r))),
                r.changes());
    }

    private static Message heartbeat(Revision r, String epoch) {
        ObjectNode h = Wire.object();
        h.put("ns", NS);
        h.put("rev", r.number());
        h.put("digest", r.digest());
        h.put("time", 0);
        h.put("epoch", epoch);
        return Message.of(Wire.topic(NS)).add(Wire.HEARTBEAT).add(Wire.json(h));
    }

    /** Revisions 1..n, each putting key k{i}. */
    private static List<Revision> revisions(int n) {
        List<Revision> out = new ArrayList<>();
        SortedMap<String, byte[]> content = new TreeMap<>(Digest.KEY_ORDER);
        for (int i = 1; i <= n; i++) {
            Change c = Change.put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
            content.put(c.key(), c.value());
            out.add(new Revision(NS, i, Digest.of(content), "test", Instant.now(), "r" + i, List.of(c)));
        }
        return out;
    }
}
