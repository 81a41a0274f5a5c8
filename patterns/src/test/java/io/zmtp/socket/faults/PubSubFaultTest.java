package io.zmtp.socket.faults;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Sub;
import io.zmtp.testing.FaultRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PUB -> SUB through a relay that throttles, freezes and then resets. PUB drops what a slow or
 * stalled subscriber cannot take (its HWM), so gaps are allowed; what ZeroMQ promises is that the
 * subscriber gets whole messages only, in the order they were published, none twice, and that it
 * recovers: after a thaw, and after a reset and reconnect (with its subscription re-sent), it gets
 * messages published after the fault.
 */
class PubSubFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BODY = 200;
    private static final long MAX_MESSAGES = 10_000_000;

    private ZmtpContext ctx;
    private FaultRelay relay;
    private Socket pub;
    private Sub sub;
    private final List<Long> received = new CopyOnWriteArrayList<>();
    private final List<String> broken = new CopyOnWriteArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private volatile boolean stop;

    @BeforeEach
    void setUp() throws Exception {
        ctx = new ZmtpContext(2);
        pub = ctx.socket(SocketType.PUB);
        pub.options().sendHwm(200);
        relay = FaultRelay.to(pub.bind("tcp://127.0.0.1:*"));
        sub = ctx.socket(SocketType.SUB, Sub.class);
        sub.options().linger(0).reconnectIvl(50).reconnectIvlMax(200).receiveHwm(200);
        sub.subscribe("t");
        sub.connect(relay.endpoint());
    }

    @AfterEach
    void tearDown() throws Exception {
        stop = true;
        relay.close();
        ctx.close();
    }

    @Test
    void subscriberRecoversAfterThawAndResetWithWholeInOrderMessages() throws Exception {
        Thread publisher = new Thread(this::publish, "pub");
        Thread subscriber = new Thread(this::receive, "sub");
        publisher.start();
        subscriber.start();
        try {
            await().atMost(WAIT).until(() -> received.size() >= 100);

            relay.throttle(4_000);     // about 20 of the 2,000 messages a second the publisher offers
            int throttled = received.size();
            await().atMost(WAIT).until(() -> received.size() >= throttled + 20);

            relay.freeze();
            long atFreeze = published.get();
            await().atMost(WAIT).until(() -> published.get() >= atFreeze + 2_000);
            relay.clear();
            long atThaw = published.get();
            await().atMost(WAIT).until(() -> lastReceived() > atThaw);

            assertThat(relay.reset()).isEqualTo(1);
            long atReset = published.get();
            await().atMost(WAIT).until(() -> lastReceived() > atReset + 100);
        } finally {
            stop = true;
            publisher.join(WAIT.toMillis());
            subscriber.join(WAIT.toMillis());
        }
        assertThat(broken).isEmpty();
        assertThat(received).isSorted().doesNotHaveDuplicates();
        assertThat(relay.accepted()).isEqualTo(2);
        // The freeze made the PUB drop: there must be a gap, or the test did not test dropping.
        assertThat(PushPullCutTest.gaps(received)).isGreaterThanOrEqualTo(1);
    }

    private long lastReceived() {
        return received.isEmpty() ? -1 : received.get(received.size() - 1);
    }

    /** About 2,000 messages a second: paced so the publisher does not take a core from the loops. */
    private void publish() {
        long next = System.nanoTime();
        for (long seq = 0; seq < MAX_MESSAGES && !stop; seq++) {
            pub.send(SequencedMessages.make(seq, BODY, "t"));
            published.set(seq);
            next += TimeUnit.MICROSECONDS.toNanos(500);
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private void receive() {
        while (!stop) {
            try (Message m = sub.receive(Duration.ofMillis(100))) {
                if (m != null) {
                    received.add(SequencedMessages.check(m, BODY, 1));
                }
            } catch (RuntimeException e) {
                broken.add(e.getMessage());
            }
        }
    }
}
