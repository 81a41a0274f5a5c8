package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CLIENT and SERVER (RFC 41): pairing over every transport in both bind/connect directions and
 * start orders, replies by routing id, the one-frame rule, HWM, and many threads on one socket.
 */
class ClientServerTest extends SocketTestSupport {
    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("transportsAndVariants")
    void serverAnswersEachClientByItsRoutingId(String transport, int variant) {
        Socket server = socket(SocketType.SERVER);
        Socket client = socket(SocketType.CLIENT);
        link(server, client, transport, variant);
        for (int i = 0; i < 3; i++) {
            assertThat(client.send(Message.of("ping " + i))).isTrue();
            try (Message request = server.receive()) {
                assertThat(request.strings()).containsExactly("ping " + i);
                assertThat(request.routingId()).isNotZero();
                assertThat(server.send(Message.of("pong " + i).routingId(request.routingId()))).isTrue();
            }
            try (Message reply = client.receive()) {
                assertThat(reply.strings()).containsExactly("pong " + i);
                assertThat(reply.routingId()).isZero();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void twoClientsGetOnlyTheirOwnReplies(String transport) {
        Socket server = socket(SocketType.SERVER);
        String endpoint = server.bind(freeEndpoint(transport));
        Socket a = socket(SocketType.CLIENT);
        Socket b = socket(SocketType.CLIENT);
        a.connect(endpoint);
        b.connect(endpoint);
        a.send("from a");
        b.send("from b");
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            try (Message m = server.receive()) {
                ids.add(m.routingId());
                // Echo with the sender's name, so each client can tell whose reply it got.
                server.send(Message.of("to " + m.string(0).substring(5)).routingId(m.routingId()));
            }
        }
        assertThat(ids).hasSize(2).doesNotContain(0);
        assertThat(a.receiveString()).isEqualTo("to a");
        assertThat(b.receiveString()).isEqualTo("to b");
        assertThat(a.tryReceive()).isNull();
        assertThat(b.tryReceive()).isNull();
    }

    @Test
    void aMessageIsOneFrame() {
        Socket server = socket(SocketType.SERVER);
        Socket client = socket(SocketType.CLIENT);
        link(server, client, "inproc", 0);
        try (Message two = Message.of("a", "b")) {
            assertThatThrownBy(() -> client.send(two)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("CLIENT").hasMessageContaining("one frame");
        }
        client.send("hello");
        try (Message m = server.receive()) {
            try (Message two = Message.of("a", "b").routingId(m.routingId())) {
                assertThatThrownBy(() -> server.send(two)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("SERVER");
            }
        }
    }

    @Test
    void aSendToNoPeerIsHostUnreachable() {
        Socket server = socket(SocketType.SERVER);
        server.bind("inproc://cs-unreachable");
        try (Message none = Message.of("x"); Message unknown = Message.of("x").routingId(12345)) {
            assertThatThrownBy(() -> server.send(none)).isInstanceOf(HostUnreachableException.class)
                    .hasMessageContaining("routing id 0");
            assertThatThrownBy(() -> server.send(unknown)).isInstanceOf(HostUnreachableException.class)
                    .hasMessageContaining("12345");
        }
    }

    @Test
    void aClientThatLeftIsUnreachable() {
        Socket server = socket(SocketType.SERVER);
        String endpoint = server.bind("tcp://127.0.0.1:0");
        Socket client = socket(SocketType.CLIENT);
        client.connect(endpoint);
        client.send("hello");
        int id;
        try (Message m = server.receive()) {
            id = m.routingId();
        }
        client.close();
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            try (Message m = Message.of("late").routingId(id)) {
                assertThatThrownBy(() -> server.send(m)).isInstanceOf(HostUnreachableException.class);
            }
        });
    }

    /** SERVER waits at a CLIENT that does not read (SNDHWM + RCVHWM + socket buffers), and loses nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void aServerStopsAtTheHighWaterMarkAndLosesNothing(String transport) {
        Socket server = socket(SocketType.SERVER);
        Socket client = socket(SocketType.CLIENT);
        server.options().sendHwm(5);
        client.options().receiveHwm(5);
        link(server, client, transport, 0);
        client.send("hello");
        int id;
        try (Message m = server.receive()) {
            id = m.routingId();
        }
        byte[] body = new byte[8192];
        int sent = 0;
        while (sent < 100_000) {
            body[0] = (byte) sent;
            body[1] = (byte) (sent >>> 8);
            Message m = Message.of(body.clone()).routingId(id);
            if (!server.send(m, Duration.ofMillis(500))) {
                m.close();
                break;
            }
            sent++;
        }
        assertThat(sent).isBetween(10, 99_999);
        for (int i = 0; i < sent; i++) {
            try (Message m = client.receive()) {
                assertThat(m).as("message %d of %d", i, sent).isNotNull();
                byte[] got = m.bytes(0);
                assertThat((got[0] & 0xff) | (got[1] & 0xff) << 8).isEqualTo(i & 0xffff);
            }
        }
        assertThat(client.tryReceive()).isNull();
    }

    /**
     * Eight threads send on one CLIENT, eight take requests from the SERVER and answer them, eight
     * take the answers from the CLIENT: every request is answered exactly once, whole.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void eightThreadsPerSocketLoseDuplicateAndMixNothing(String transport) throws Exception {
        Socket server = socket(SocketType.SERVER);
        Socket client = socket(SocketType.CLIENT);
        link(server, client, transport, 0);
        int threads = 8;
        int perThread = 1_500;
        int total = threads * perThread;
        ExecutorService pool = Executors.newFixedThreadPool(threads * 3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger replies = new AtomicInteger();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                jobs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        assertThat(client.send(Message.of(thread + ":" + i + ":" + "x".repeat(i % 40)))).isTrue();
                    }
                    return null;
                }));
                jobs.add(pool.submit(() -> {
                    start.await();
                    while (answered.get() < total && !Thread.currentThread().isInterrupted()) {
                        Message m = server.receive(Duration.ofMillis(50));
                        if (m == null) {
                            continue;
                        }
                        try (m) {
                            assertThat(m.size()).isEqualTo(1);
                            assertThat(server.send(Message.of("re " + m.string(0)).routingId(m.routingId()))).isTrue();
                        }
                        answered.incrementAndGet();
                    }
                    return null;
                }));
                jobs.add(pool.submit(() -> {
                    start.await();
                    while (replies.get() < total && !Thread.currentThread().isInterrupted()) {
                        Message m = client.receive(Duration.ofMillis(50));
                        if (m == null) {
                            continue;
                        }
                        try (m) {
                            String s = m.string(0);
                            String[] parts = s.substring(3).split(":", -1);
                            assertThat(parts).hasSize(3);
                            assertThat(parts[2]).isEqualTo("x".repeat(Integer.parseInt(parts[1]) % 40));
                            assertThat(seen.add(s)).as("duplicate %s", s).isTrue();
                        }
                        replies.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : jobs) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(seen).hasSize(total);
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertThat(seen).contains("re " + t + ":" + i + ":" + "x".repeat(i % 40));
                }
            }
            assertThat(answered.get()).isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
    }
}
