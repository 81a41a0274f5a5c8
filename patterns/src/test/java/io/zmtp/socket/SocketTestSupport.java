package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.provider.Arguments;

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
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the socket-type tests share: a context per test, sockets that give up after {@link #WAIT}
 * instead of hanging, fresh endpoints on every transport, and the bind/connect variants.
 */
abstract class SocketTestSupport {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final AtomicInteger NAMES = new AtomicInteger();
    ZmtpContext ctx;

    @BeforeEach
    void newContext() {
        ctx = new ZmtpContext();
    }

    @AfterEach
    void closeContext() {
        ctx.close();
    }

    /** A socket of {@code type} with no linger and send/receive time-outs of {@link #WAIT}. */
    Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    /** Each transport with each variant: bit 0 set = the second socket binds, bit 1 set = connect first. */
    static Stream<Arguments> transportsAndVariants() {
        return Stream.of("tcp", "ipc", "inproc", "ws").flatMap(t -> IntStream.range(0, 4).mapToObj(v -> Arguments.of(t, v)));
    }

    /** Binds one of {@code a} and {@code b} and connects the other, as {@code variant} says (see above). */
    static void link(Socket a, Socket b, String transport, int variant) {
        Socket binder = (variant & 1) == 0 ? a : b;
        Socket connecter = binder == a ? b : a;
        String endpoint = freeEndpoint(transport);
        if ((variant & 2) != 0) {
            connecter.connect(endpoint);
            binder.bind(endpoint);
        } else {
            connecter.connect(binder.bind(endpoint));
        }
    }

    /** An endpoint on {@code transport} nobody uses yet, for a bind that may come after the connect. */
    static String freeEndpoint(String transport) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:" + freePort();
            case "ipc" -> "ipc://" + System.getProperty("java.io.tmpdir") + "/zmtp-test-" + ProcessHandle.current().pid()
                    + "-" + NAMES.incrementAndGet();
            case "inproc" -> "inproc://test-" + NAMES.incrementAndGet();
            case "ws" -> "ws://127.0.0.1:" + freePort() + "/zmtp";
            default -> throw new IllegalArgumentException(transport);
        };
    }

    /**
     * Eight threads send on each socket of {@code from} and eight receive on the socket of {@code to}
     * at the same place: each sender sends the bodies {@code body(i)} of its share of
     * {@value #PER_THREAD} x 8 numbers, wrapped by {@code wrap}. Every body must arrive exactly
     * once and whole: no loss, no duplicate, no two messages mixed. Bodies for which
     * {@code ignored} holds (a warm-up) are not counted.
     */
    static void manyThreads(List<Socket> from, List<Socket> to, IntFunction<String> body, Function<String, Message> wrap,
                            Predicate<String> ignored) throws Exception {
        int threads = 8;
        int total = threads * PER_THREAD;
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < total; i++) {
            expected.add(body.apply(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads * (from.size() + to.size()));
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> jobs = new ArrayList<>();
            List<Set<String>> seen = new ArrayList<>();
            for (int s = 0; s < from.size(); s++) {
                Socket sender = from.get(s);
                Socket receiver = to.get(s);
                Set<String> got = ConcurrentHashMap.newKeySet();
                seen.add(got);
                AtomicInteger received = new AtomicInteger();
                for (int t = 0; t < threads; t++) {
                    int first = t * PER_THREAD;
                    jobs.add(pool.submit(() -> {
                        start.await();
                        for (int i = first; i < first + PER_THREAD; i++) {
                            assertThat(sender.send(wrap.apply(body.apply(i)))).isTrue();
                        }
                        return null;
                    }));
                    jobs.add(pool.submit(() -> {
                        start.await();
                        while (received.get() < total && !Thread.currentThread().isInterrupted()) {
                            Message m = receiver.receive(Duration.ofMillis(50));
                            if (m == null) {
                                continue;
                            }
                            try (m) {
                                String text = m.string(0);
                                if (ignored.test(text)) {
                                    continue;
                                }
                                assertThat(got.add(text)).as("duplicate %s", text).isTrue();
                            }
                            received.incrementAndGet();
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : jobs) {
                f.get(120, TimeUnit.SECONDS);
            }
            for (Set<String> got : seen) {
                assertThat(got).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Messages each sending thread of {@link #manyThreads} sends. */
    static final int PER_THREAD = 1_000;

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends 8 KiB messages from {@code sender} (made by {@code wrap}) to a {@code receiver} that does
     * not read until a send has waited 500 ms at the high-water mark; then every message sent
     * arrives, in order, and nothing more. The HWMs are set small so the stop comes early.
     */
    static void stopsAtTheHighWaterMarkAndLosesNothing(Socket sender, Socket receiver,
                                                       java.util.function.Function<byte[], Message> wrap) {
        byte[] body = new byte[8192];
        int sent = 0;
        while (sent < 100_000) {
            body[0] = (byte) sent;
            body[1] = (byte) (sent >>> 8);
            Message m = wrap.apply(body.clone());
            if (!sender.send(m, Duration.ofMillis(500))) {
                m.close();
                break;
            }
            sent++;
        }
        org.assertj.core.api.Assertions.assertThat(sent).as("messages sent before the HWM stopped the sender")
                .isBetween(10, 99_999);
        for (int i = 0; i < sent; i++) {
            try (Message m = receiver.receive()) {
                org.assertj.core.api.Assertions.assertThat(m).as("message %d of %d", i, sent).isNotNull();
                byte[] got = m.bytes(0);
                org.assertj.core.api.Assertions.assertThat((got[0] & 0xff) | (got[1] & 0xff) << 8).isEqualTo(i & 0xffff);
            }
        }
        org.assertj.core.api.Assertions.assertThat(receiver.tryReceive()).isNull();
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The frames of {@code m} as text (closing it); fails when no message came within the receive time-out. */
    static List<String> strings(Message m) {
        org.assertj.core.api.Assertions.assertThat(m).as("a message within %s", WAIT).isNotNull();
        try (m) {
            return m.strings();
        }
    }
}
