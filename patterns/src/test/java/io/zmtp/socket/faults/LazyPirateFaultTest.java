package io.zmtp.socket.faults;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.testing.FaultRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * REQ/REP with retries in the Lazy Pirate style (zguide ch. 4) while the server behind a relay is
 * frozen, then reset: a REQ with REQ_RELAXED and REQ_CORRELATE resends a request whose reply did
 * not come within its timeout. Every request is answered, and the client takes exactly one reply
 * per request, the one to it; the server may see a request more than once (at-least-once, which
 * is what Lazy Pirate promises).
 */
class LazyPirateFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_REQUESTS = 100_000;

    private ZmtpContext ctx;
    private FaultRelay relay;
    private Thread serverThread;
    private volatile boolean stop;
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        ctx = new ZmtpContext(2);
        Socket rep = ctx.socket(SocketType.REP);
        String endpoint = rep.bind("tcp://127.0.0.1:*");
        relay = FaultRelay.to(endpoint);
        serverThread = new Thread(() -> serve(rep), "rep");
        serverThread.start();
    }

    private void serve(Socket rep) {
        while (!stop) {
            try (Message request = rep.receive(Duration.ofMillis(100))) {
                if (request == null) {
                    continue;
                }
                String body = request.string(0);
                served.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
                rep.send(Message.of("reply to " + body));
            }
        }
        rep.close();
    }

    @AfterEach
    void tearDown() throws Exception {
        stop = true;
        serverThread.join(10_000);
        relay.close();
        ctx.close();
    }

    @Test
    void everyRequestIsAnsweredOnceThroughAFreezeAndAReset() throws Exception {
        LazyPirateClient client = new LazyPirateClient(ctx, relay.endpoint(), Duration.ofMillis(300), 200);
        Thread clientThread = new Thread(() -> client.run(MAX_REQUESTS), "lazy-pirate");
        clientThread.start();
        try {
            await().atMost(WAIT).until(() -> client.replies.size() >= 20);
            relay.freeze();
            int before = client.retries.get();
            await().atMost(WAIT).until(() -> client.retries.get() >= before + 3);
            relay.thaw();
            int thawed = client.replies.size();
            await().atMost(WAIT).until(() -> client.replies.size() >= thawed + 20);
            relay.freeze();
            int again = client.retries.get();
            await().atMost(WAIT).until(() -> client.retries.get() >= again + 2);
            assertThat(relay.reset()).isGreaterThanOrEqualTo(1);
            relay.thaw();
            int reset = client.replies.size();
            await().atMost(WAIT).until(() -> client.replies.size() >= reset + 20);
        } finally {
            client.stop = true;
            clientThread.join(WAIT.toMillis());
        }
        assertThat(clientThread.isAlive()).isFalse();
        assertThat(client.failures).isEmpty();
        assertThat(client.abandoned.get()).isZero();
        int requests = client.sent.get();
        assertThat(client.replies).hasSize(requests);
        for (int i = 0; i < requests; i++) {
            assertThat(client.replies.get(i)).isEqualTo("reply to request " + i);
            assertThat(served.get("request " + i)).as("request %d served", i).isNotNull();
        }
        assertThat(client.retries.get()).isGreaterThanOrEqualTo(5);
        assertThat(relay.accepted()).isGreaterThanOrEqualTo(2);
    }

    /** The Lazy Pirate client: one REQ (relaxed, correlating) that resends after each timeout. */
    static final class LazyPirateClient {
        final List<String> replies = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger abandoned = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();
        volatile boolean stop;
        private final Socket req;
        private final Duration timeout;
        private final int maxAttempts;

        LazyPirateClient(ZmtpContext ctx, String endpoint, Duration timeout, int maxAttempts) {
            this.timeout = timeout;
            this.maxAttempts = maxAttempts;
            req = ctx.socket(SocketType.REQ);
            req.options().reqRelaxed(true).reqCorrelate(true).linger(0).reconnectIvl(50).reconnectIvlMax(200);
            req.connect(endpoint);
        }

        /**
         * Sends up to {@code count} requests one after another until stopped (a request under way is
         * finished first); records each reply and each retry.
         */
        void run(int count) {
            try {
                for (int i = 0; i < count && !stop; i++) {
                    String request = "request " + i;
                    sent.incrementAndGet();
                    String reply = null;
                    for (int attempt = 0; attempt < maxAttempts && reply == null; attempt++) {
                        if (attempt > 0) {
                            retries.incrementAndGet();
                        }
                        req.send(Message.of(request));
                        try (Message m = req.receive(timeout)) {
                            if (m != null) {
                                reply = m.string(0);
                            }
                        }
                    }
                    if (reply == null) {
                        abandoned.incrementAndGet();
                    } else {
                        replies.add(reply);
                        // A second reply to the same request would show up here or with the next one.
                        try (Message extra = req.tryReceive()) {
                            if (extra != null) {
                                failures.add("a second reply after " + request + ": " + extra.string(0));
                            }
                        } catch (IllegalStateException expected) {
                            // REQ refuses a receive without a request outstanding: nothing can be there
                        }
                    }
                }
            } finally {
                req.close();
            }
        }
    }
}
