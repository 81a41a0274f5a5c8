package io.zmtp.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.model.Change;
import io.zmtp.config.model.Revision;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node one revision behind the head is answered from the revision the server published last,
 * without reading the history (the failover case: every agent of a dead replica arrives one behind),
 * and the answer is the one the history gives; from further behind the history is read as before.
 * The SYNCs that arrive together share one read of the head ({@code syncFacts}).
 */
class SyncFromOneBehindTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** What one SYNC brought: the REVISION headers, then SYNCED's. */
    private record Answer(List<ObjectNode> revisions, List<List<String>> values, ObjectNode synced) {
    }

    @Test
    void oneBehindIsAnsweredFromThePublishedRevision() throws Exception {
        AtomicInteger historyReads = new AtomicInteger();
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore real = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults())) {
            ConfigStore counted = (ConfigStore) Proxy.newProxyInstance(ConfigStore.class.getClassLoader(),
                    new Class<?>[] {ConfigStore.class}, (proxy, method, args) -> {
                        // A page of history, as a SYNC reads it; not the head's digest that a heartbeat reads (1 revision).
                        if (method.getName().equals("history") && (int) args[2] != 1) {
                            historyReads.incrementAndGet();
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            try (ConfigServer server = new ConfigServer(counted, new Whitelist().node("n1", "pw", "app/*"),
                    "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofMillis(200), ctx);
                 Socket node = ctx.socket(SocketType.DEALER)) {
                for (int i = 1; i <= 3; i++) {
                    server.publish("app/web", List.of(Change.put("k" + i, "v" + i)), "test", "r" + i);
                }
                node.options().linger(0).receiveTimeout(WAIT.toMillis()).plainCredentials("n1", "pw");
                node.connect(server.syncEndpoint());

                int before = historyReads.get();
                Answer one = sync(node, 2, 1);
                assertThat(historyReads.get()).as("no history read for a node one behind").isEqualTo(before);
                Revision third = real.history("app/web", 2, 1).get(0);
                assertThat(one.revisions()).hasSize(1);
                ObjectNode h = one.revisions().get(0);
                assertThat(h.get("rev").asLong()).isEqualTo(3);
                assertThat(h.get("digest").asText()).isEqualTo(third.digest());
                assertThat(h.get("message").asText()).isEqualTo("r3");
                assertThat(one.values().get(0)).containsExactly("v3");
                assertThat(one.synced().get("rev").asLong()).isEqualTo(3);
                assertThat(one.synced().get("digest").asText()).isEqualTo(third.digest());

                before = historyReads.get();
                Answer two = sync(node, 1, 2);
                assertThat(historyReads.get()).as("two behind reads the history").isGreaterThan(before);
                assertThat(two.revisions()).extracting(r -> r.get("rev").asLong()).containsExactly(2L, 3L);
                assertThat(two.revisions().get(1).toString()).isEqualTo(h.toString().replace("\"req\":1", "\"req\":2"));
                assertThat(two.synced().get("digest").asText()).isEqualTo(third.digest());
            }
        }
    }

    /**
     * Twenty SYNCs (one per connection: a second SYNC of a namespace on a connection still being
     * answered is refused as busy) that wait while the server is inside the first one's read of the
     * head are answered from that read: the failover case, where a replica gets the SYNCs of every
     * agent of a dead one at once. Each answer is the one its own read would have given.
     */
    @Test
    void syncsThatArriveTogetherShareOneReadOfTheHead() throws Exception {
        AtomicInteger factReads = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<Socket> nodes = new ArrayList<>();
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore real = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults())) {
            ConfigStore counted = (ConfigStore) Proxy.newProxyInstance(ConfigStore.class.getClassLoader(),
                    new Class<?>[] {ConfigStore.class}, (proxy, method, args) -> {
                        if (method.getName().equals("syncFacts") && armed.get()) {
                            factReads.incrementAndGet();
                            if (inside.getCount() > 0) {
                                inside.countDown();
                                assertThat(release.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
                            }
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            // Heartbeats read the head too; one every 2 s adds at most one read to the count.
            try (ConfigServer server = new ConfigServer(counted, new Whitelist().node("n1", "pw", "app/*"),
                    "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", Duration.ofSeconds(2), ctx)) {
                for (int i = 1; i <= 3; i++) {
                    server.publish("app/web", List.of(Change.put("k" + i, "v" + i)), "test", "r" + i);
                }
                String head = real.history("app/web", 2, 1).get(0).digest();
                for (int i = 0; i < 20; i++) {
                    Socket node = ctx.socket(SocketType.DEALER);
                    nodes.add(node);
                    node.options().linger(0).receiveTimeout(WAIT.toMillis()).plainCredentials("n1", "pw");
                    node.connect(server.syncEndpoint());
                    assertThat(sync(node, 3, 1).synced().get("digest").asText()).isEqualTo(head);  // connected
                }

                armed.set(true);
                send(nodes.get(0), 3, 2);
                assertThat(inside.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
                for (int i = 1; i < 20; i++) {
                    send(nodes.get(i), i % 2 == 0 ? 3 : 2, 2);  // from the head, or one behind
                }
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> nodes.stream()
                        .allMatch(n -> n.peers().stream().allMatch(p -> p.outboundDepth() == 0)));
                release.countDown();
                for (int i = 0; i < 20; i++) {
                    Answer a = receive(nodes.get(i), 2);
                    assertThat(a.synced().get("rev").asLong()).isEqualTo(3);
                    assertThat(a.synced().get("digest").asText()).isEqualTo(head);
                    assertThat(a.revisions()).extracting(r -> r.get("rev").asLong())
                            .containsExactlyElementsOf(i % 2 == 0 ? List.of() : List.of(3L));
                }
                // One read for the batch the first SYNC opened; a SYNC that reached the server's socket
                // only after that batch ended opens another, hence a little room. Before: one each, 20.
                assertThat(factReads.get()).isBetween(1, 4);
            } finally {
                for (Socket n : nodes) {
                    n.close();
                }
            }
        }
    }

    private static void send(Socket node, long from, long req) {
        String header = "{\"node\":\"n1\",\"ns\":\"app/web\",\"from\":" + from + ",\"req\":" + req + "}";
        node.send(Message.of(Wire.SYNC).add(header.getBytes(StandardCharsets.UTF_8)));
    }

    private static Answer sync(Socket node, long from, long req) {
        send(node, from, req);
        return receive(node, req);
    }

    private static Answer receive(Socket node, long req) {
        String header = "the answer to request " + req;
        List<ObjectNode> revisions = new ArrayList<>();
        List<List<String>> values = new ArrayList<>();
        while (true) {
            try (Message m = node.receive(WAIT)) {
                assertThat(m).as("an answer to " + header).isNotNull();
                String command = m.string(0);
                ObjectNode h = Wire.header(m.bytes(1));
                assertThat(h.get("req").asLong()).isEqualTo(req);
                if (command.equals(Wire.SYNCED)) {
                    return new Answer(revisions, values, h);
                }
                assertThat(command).isEqualTo(Wire.REVISION);
                revisions.add(h);
                List<String> v = new ArrayList<>();
                for (int i = 2; i < m.size(); i++) {
                    v.add(m.string(i));
                }
                values.add(v);
            }
        }
    }
}
