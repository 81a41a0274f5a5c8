package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.pipe.PeerInfo;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** N:M routing, high-water marks and caller errors over real TCP connections. */
class RoutingOverTcpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    private static long connected(Socket s) {
        return s.peers().stream().filter(PeerInfo::connected).count();
    }

    @Test
    void onePushBalancesEvenlyOverThreePulls() {
        Socket push = socket(SocketType.PUSH);
        push.bind("tcp://127.0.0.1:*");
        List<Socket> pulls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket pull = socket(SocketType.PULL);
            pull.connect("tcp://127.0.0.1:" + push.boundPort());
            pulls.add(pull);
        }
        await().atMost(WAIT).until(() -> connected(push) == 3);
        for (int i = 0; i < 300; i++) {
            push.send(Message.of("m" + i));
        }
        for (Socket pull : pulls) {
            for (int i = 0; i < 100; i++) {
                Message m = pull.receive();
                assertThat(m).as("message %d of a puller", i).isNotNull();
                m.close();
            }
            assertThat(pull.tryReceive()).isNull();
        }
    }

    @Test
    void onePullFairQueuesThreePushesInPerSenderOrder() {
        Socket pull = socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        List<Socket> pushes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket push = socket(SocketType.PUSH);
            push.connect("tcp://127.0.0.1:" + pull.boundPort());
            pushes.add(push);
        }
        await().atMost(WAIT).until(() -> connected(pull) == 3);
        for (int i = 0; i < 100; i++) {
            for (int p = 0; p < 3; p++) {
                pushes.get(p).send(Message.of("p" + p, Integer.toString(i)));
            }
        }
        Map<String, Integer> next = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            try (Message m = pull.receive()) {
                assertThat(m).isNotNull();
                String sender = m.string(0);
                int seq = Integer.parseInt(m.string(1));
                assertThat(seq).as("per-sender order").isEqualTo(next.getOrDefault(sender, 0));
                next.put(sender, seq + 1);
            }
        }
        assertThat(next).containsEntry("p0", 100).containsEntry("p1", 100).containsEntry("p2", 100);
    }

    @Test
    void aFloodingPeerCannotStarveAQuietOne() {
        Socket pull = socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        Socket flood = socket(SocketType.PUSH);
        Socket quiet = socket(SocketType.PUSH);
        flood.connect("tcp://127.0.0.1:" + pull.boundPort());
        quiet.connect("tcp://127.0.0.1:" + pull.boundPort());
        await().atMost(WAIT).until(() -> connected(pull) == 2);
        // More than the loop hands over ahead of time, fewer than that plus the pipe's RCVHWM (1000),
        // so all of it is in before the quiet peer speaks.
        int flooded = InboundHandoff.CAPACITY + 900;
        for (int i = 0; i < flooded; i++) {
            flood.send(Message.of("flood"));
        }
        await().atMost(WAIT).until(() -> pull.peers().stream().mapToLong(PeerInfo::messagesIn).sum() == flooded);
        quiet.send(Message.of("quiet"));
        await().atMost(WAIT).until(() -> pull.peers().stream().mapToLong(PeerInfo::messagesIn).sum() == flooded + 1);
        int position = -1;
        for (int i = 0; i <= flooded; i++) {
            try (Message m = pull.receive()) {
                if (m.string(0).equals("quiet")) {
                    position = i;
                }
            }
        }
        // Fair queuing takes turns among peers with messages waiting; only what the loop had already
        // handed over (at most the hand-off capacity) can come before the quiet peer's message.
        assertThat(position).isBetween(0, InboundHandoff.CAPACITY + 2);
    }

    @Test
    void brokerAnswersEveryRequestExactlyOnce() throws Exception {
        Socket frontend = socket(SocketType.ROUTER);
        Socket backend = socket(SocketType.DEALER);
        frontend.bind("tcp://127.0.0.1:*");
        backend.bind("tcp://127.0.0.1:*");
        List<Socket> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Socket rep = socket(SocketType.REP);
            rep.connect("tcp://127.0.0.1:" + backend.boundPort());
            workers.add(rep);
        }
        Thread broker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Message m = frontend.receive(Duration.ofMillis(2));
                    if (m != null) {
                        backend.send(m);
                    }
                    m = backend.receive(Duration.ofMillis(2));
                    if (m != null) {
                        frontend.send(m);
                    }
                } catch (IllegalStateException closed) {
                    return;
                }
            }
        });
        List<Thread> workerThreads = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Socket rep = workers.get(w);
            String name = "w" + w;
            Thread t = new Thread(() -> {
                try {
                    Message req;
                    while ((req = rep.receive(Duration.ofMillis(500))) != null) {
                        String body = req.string(0);
                        req.close();
                        rep.send(Message.of(body + "@" + name));
                    }
                } catch (IllegalStateException closed) {
                    // context closing
                }
            });
            workerThreads.add(t);
        }
        broker.start();
        workerThreads.forEach(Thread::start);
        List<CompletableFuture<List<String>>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int id = c;
            clients.add(CompletableFuture.supplyAsync(() -> {
                Socket req = socket(SocketType.REQ);
                req.connect("tcp://127.0.0.1:" + frontend.boundPort());
                List<String> replies = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    req.send(Message.of("c" + id + "-" + i));
                    try (Message r = req.receive()) {
                        replies.add(r.string(0));
                    }
                }
                return replies;
            }));
        }
        for (int c = 0; c < 4; c++) {
            List<String> replies = clients.get(c).get(30, TimeUnit.SECONDS);
            assertThat(replies).hasSize(25);
            for (int i = 0; i < 25; i++) {
                assertThat(replies.get(i)).startsWith("c" + c + "-" + i + "@w");
            }
        }
        broker.interrupt();
        broker.join(WAIT.toMillis());
        for (Thread t : workerThreads) {
            t.join(WAIT.toMillis());
        }
    }

    @Test
    void pubDeliversEachSubscriberItsOwnTopics() {
        Socket pub = socket(SocketType.PUB);
        pub.bind("tcp://127.0.0.1:*");
        List<Sub> subs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Sub sub = ctx.socket(SocketType.SUB, Sub.class);
            sub.options().linger(0);
            sub.subscribe("t" + i + ":");
            sub.connect("tcp://127.0.0.1:" + pub.boundPort());
            subs.add(sub);
        }
        Sub all = ctx.socket(SocketType.SUB, Sub.class);
        all.subscribe("");
        all.connect("tcp://127.0.0.1:" + pub.boundPort());
        // Wait until every subscription has reached the publisher: one probe per topic gets through.
        boolean[] seen = new boolean[10];
        await().atMost(WAIT).until(() -> {
            for (int i = 0; i < 10; i++) {
                if (!seen[i]) {
                    pub.send(Message.of("t" + i + ":probe"));
                    Message m = subs.get(i).receive(Duration.ofMillis(5));
                    if (m != null) {
                        m.close();
                        seen[i] = true;
                    }
                }
            }
            for (boolean b : seen) {
                if (!b) {
                    return false;
                }
            }
            return true;
        });
        // Drain leftover probes, then a numbered batch.
        for (Sub sub : subs) {
            Message m;
            while ((m = sub.receive(Duration.ofMillis(20))) != null) {
                m.close();
            }
        }
        for (int n = 0; n < 20; n++) {
            for (int i = 0; i < 10; i++) {
                pub.send(Message.of("t" + i + ":", Integer.toString(n)));
            }
        }
        for (int i = 0; i < 10; i++) {
            for (int n = 0; n < 20; n++) {
                try (Message m = subs.get(i).receive(WAIT)) {
                    assertThat(m).isNotNull();
                    assertThat(m.strings()).containsExactly("t" + i + ":", Integer.toString(n));
                }
            }
        }
        int batch = 0;
        Message m;
        while ((m = all.receive(Duration.ofMillis(200))) != null) {
            if (m.size() == 2) {
                batch++;
            }
            m.close();
        }
        assertThat(batch).isEqualTo(200);
    }

    @Test
    void pushBlocksAtTheHwmAndSaysWhichPeerIsFull() {
        Socket pull = socket(SocketType.PULL);
        pull.options().receiveHwm(10);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = socket(SocketType.PUSH);
        push.options().sendHwm(10);
        push.connect("tcp://127.0.0.1:" + pull.boundPort());
        await().atMost(WAIT).until(() -> connected(push) == 1);
        byte[] payload = new byte[16 * 1024];
        int sent = 0;
        boolean blocked = false;
        // Until a send waits out its time-out with the peer reported full: on a loaded machine a
        // pause alone can make one send wait while the peer still has room (the PULL's side then
        // takes all that was sent, and the peer is never full).
        while (sent < 100_000 && !blocked) {
            Message m = Message.of(payload);
            if (push.send(m, Duration.ofMillis(200))) {
                sent++;
            } else {
                m.close();
                blocked = !push.fullPeers().isEmpty();
            }
        }
        assertThat(blocked).as("the pusher must block at its HWM, naming the full peer, with a non-reading peer").isTrue();
        int received = 0;
        while (received < sent) {
            try (Message m = pull.receive()) {
                assertThat(m).isNotNull();
            }
            received++;
        }
        assertThat(push.send(Message.of("after"), WAIT)).isTrue();
        try (Message m = pull.receive()) {
            assertThat(m.string(0)).isEqualTo("after");
        }
    }

    @Test
    void pubDropsAtTheHwmInsteadOfBlocking() {
        Socket pub = socket(SocketType.PUB);
        pub.options().sendHwm(5);
        pub.bind("tcp://127.0.0.1:*");
        Sub sub = ctx.socket(SocketType.SUB, Sub.class);
        sub.options().receiveHwm(5).linger(0);
        sub.subscribe("");
        sub.connect("tcp://127.0.0.1:" + pub.boundPort());
        await().atMost(WAIT).until(() -> {
            pub.send(Message.of("probe"));
            Message m = sub.receive(Duration.ofMillis(5));
            if (m != null) {
                m.close();
            }
            return m != null;
        });
        byte[] payload = new byte[16 * 1024];
        for (int i = 0; i < 5000; i++) {
            assertThat(pub.send(Message.of(payload), Duration.ofSeconds(1))).isTrue();
        }
        await().atMost(WAIT).until(() -> pub.peers().get(0).drops() > 0);
    }

    @Test
    void callerErrorsAreClear() {
        Socket router = socket(SocketType.ROUTER);
        router.options().routerMandatory(true);
        router.bind("tcp://127.0.0.1:*");
        assertThatThrownBy(() -> router.send(Message.of("nobody", "x"))).isInstanceOf(HostUnreachableException.class);
        Socket rep = socket(SocketType.REP);
        assertThatThrownBy(() -> rep.send(Message.of("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> socket(SocketType.PUSH).receive()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> socket(SocketType.PULL).send(Message.of("x"))).isInstanceOf(UnsupportedOperationException.class);
        Socket s = socket(SocketType.DEALER);
        for (String bad : new String[] {"tcp://", "udp://x:1", "tcp://h:99999", "tcp://*:abc", "nonsense", "pgm://x:1"}) {
            assertThatThrownBy(() -> s.connect(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> s.connect("tcp://*:5555")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.options().sendHwm(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> s.options().linger(-2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
        assertThatThrownBy(() -> s.options().xpubVerbose(true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DEALER");
        Socket taken = socket(SocketType.PULL);
        taken.bind("tcp://127.0.0.1:*");
        assertThatThrownBy(() -> socket(SocketType.PULL).bind("tcp://127.0.0.1:" + taken.boundPort()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot bind");
    }

    @Test
    void asynchronousSendAndReceive() throws Exception {
        Socket a = socket(SocketType.DEALER);
        Socket b = socket(SocketType.DEALER);
        a.bind("tcp://127.0.0.1:*");
        b.connect("tcp://127.0.0.1:" + a.boundPort());
        CompletableFuture<Message> pending = a.receiveAsync();
        b.sendAsync(Message.of("async")).get(10, TimeUnit.SECONDS);
        try (Message m = pending.get(10, TimeUnit.SECONDS)) {
            assertThat(m.string(0)).isEqualTo("async");
        }
    }
}
