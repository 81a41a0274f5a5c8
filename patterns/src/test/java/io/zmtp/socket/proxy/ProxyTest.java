package io.zmtp.socket.proxy;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;
    private final List<Proxy> proxies = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Proxy p : proxies) {
            p.close();
        }
        ctx.close();
    }

    private Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    private Proxy start(Socket front, Socket back, Socket capture, Socket control) {
        Proxy p = Proxy.start(front, back, capture, control);
        proxies.add(p);
        return p;
    }

    @Test
    void brokerAnswersEveryRequestOfFourClientsOnceWithThreeWorkers() throws Exception {
        Socket frontend = socket(SocketType.ROUTER);
        Socket backend = socket(SocketType.DEALER);
        frontend.bind("tcp://127.0.0.1:*");
        backend.bind("tcp://127.0.0.1:*");
        start(frontend, backend, null, null);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Socket rep = socket(SocketType.REP);
            rep.connect("tcp://127.0.0.1:" + backend.boundPort());
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
            t.start();
            workers.add(t);
        }
        List<CompletableFuture<Set<String>>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int id = c;
            clients.add(CompletableFuture.supplyAsync(() -> {
                Socket req = socket(SocketType.REQ);
                req.connect("tcp://127.0.0.1:" + frontend.boundPort());
                Set<String> answered = new HashSet<>();
                for (int i = 0; i < 20; i++) {
                    req.send(Message.of("c" + id + "-" + i));
                    try (Message r = req.receive()) {
                        String reply = r.string(0);
                        assertThat(reply).startsWith("c" + id + "-" + i + "@w");
                        answered.add(reply.substring(0, reply.indexOf('@')));
                    }
                }
                return answered;
            }));
        }
        for (CompletableFuture<Set<String>> c : clients) {
            assertThat(c.get(30, TimeUnit.SECONDS)).hasSize(20);
        }
        for (Thread t : workers) {
            t.join(WAIT.toMillis());
        }
    }

    @Test
    void forwarderPassesSubscriptionsUpAndOnlySubscribedTopicsDown() {
        Socket pub = socket(SocketType.PUB);
        pub.bind("tcp://127.0.0.1:*");
        Socket xsub = socket(SocketType.XSUB);
        xsub.connect("tcp://127.0.0.1:" + pub.boundPort());
        Socket xpub = socket(SocketType.XPUB);
        xpub.bind("tcp://127.0.0.1:*");
        start(xsub, xpub, null, null);

        Sub late = ctx.socket(SocketType.SUB, Sub.class);
        late.subscribe("a");
        late.connect("tcp://127.0.0.1:" + xpub.boundPort());
        String[] got = new String[1];
        await().atMost(WAIT).until(() -> {
            pub.send(Message.of("b-unsubscribed"));
            pub.send(Message.of("a-subscribed"));
            Message m = late.receive(Duration.ofMillis(20));
            if (m != null) {
                try (m) {
                    got[0] = m.string(0);
                }
            }
            return got[0] != null;
        });
        assertThat(got[0]).isEqualTo("a-subscribed");
        Message next;
        while ((next = late.receive(Duration.ofMillis(100))) != null) {
            try (Message m = next) {
                assertThat(m.string(0)).startsWith("a");
            }
        }
    }

    @Test
    void pausesResumesCountsAndTerminatesThroughAControlSocket() throws Exception {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        pull.bind("tcp://127.0.0.1:*");
        push.bind("tcp://127.0.0.1:*");
        Socket control = socket(SocketType.PAIR);
        control.bind("tcp://127.0.0.1:*");
        Socket capture = socket(SocketType.PUSH);
        capture.bind("tcp://127.0.0.1:*");
        Proxy proxy = start(pull, push, capture, control);

        Socket producer = socket(SocketType.PUSH);
        producer.connect("tcp://127.0.0.1:" + pull.boundPort());
        Socket consumer = socket(SocketType.PULL);
        consumer.connect("tcp://127.0.0.1:" + push.boundPort());
        Socket captured = socket(SocketType.PULL);
        captured.connect("tcp://127.0.0.1:" + capture.boundPort());
        Socket steer = socket(SocketType.PAIR);
        steer.connect("tcp://127.0.0.1:" + control.boundPort());

        producer.send(Message.of("one"));
        try (Message m = consumer.receive()) {
            assertThat(m.string(0)).isEqualTo("one");
        }
        try (Message m = captured.receive()) {
            assertThat(m.string(0)).isEqualTo("one");
        }

        steer.send(Message.of("PAUSE"));
        await().atMost(WAIT).until(proxy::isPaused);
        producer.send(Message.of("two"));
        assertThat(consumer.receive(Duration.ofMillis(300))).as("nothing passes while paused").isNull();
        steer.send(Message.of("RESUME"));
        try (Message m = consumer.receive()) {
            assertThat(m.string(0)).isEqualTo("two");
        }

        // The forwarder counts a message once its send returned, which may be just after the
        // consumer already has it: wait for the count before asking for it over the control socket.
        await().atMost(WAIT).until(() -> proxy.statistics().backendMessagesOut() == 2);
        steer.send(Message.of("STATISTICS"));
        try (Message stats = steer.receive()) {
            assertThat(stats.size()).isEqualTo(8);
            long frontendIn = ByteBuffer.wrap(stats.bytes(0)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long backendOut = ByteBuffer.wrap(stats.bytes(6)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(frontendIn).isEqualTo(2);
            assertThat(backendOut).isEqualTo(2);
        }
        assertThat(proxy.statistics().frontendBytesIn()).isEqualTo(6);

        steer.send(Message.of("TERMINATE"));
        CompletableFuture.runAsync(() -> {
            try {
                proxy.awaitTermination();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).get(10, TimeUnit.SECONDS);
    }
}
