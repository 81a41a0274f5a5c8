package io.zmtp.socket;

import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** XPUB sees subscriptions; XSUB subscribes by message; a forwarder between them passes both ways. */
class XPubXSubTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private static byte[] frame0(Message m) {
        assertThat(m).isNotNull();
        try (m) {
            return m.bytes(0);
        }
    }

    private static byte[] sub(int kind, String topic) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[t.length + 1];
        out[0] = (byte) kind;
        System.arraycopy(t, 0, out, 1, t.length);
        return out;
    }

    @Test
    void xpubReportsFirstSubscriptionAndLastUnsubscription() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.options().linger(0).receiveTimeout(WAIT.toMillis());
        xpub.bind("tcp://127.0.0.1:*");
        Sub a = ctx.socket(SocketType.SUB, Sub.class);
        Sub b = ctx.socket(SocketType.SUB, Sub.class);
        a.connect("tcp://127.0.0.1:" + xpub.boundPort());
        b.connect("tcp://127.0.0.1:" + xpub.boundPort());
        a.subscribe("news");
        assertThat(frame0(xpub.receive())).isEqualTo(sub(1, "news"));
        b.subscribe("news");
        b.subscribe("sport");
        // The second "news" is not reported (not verbose); "sport" is.
        assertThat(frame0(xpub.receive())).isEqualTo(sub(1, "sport"));
        a.unsubscribe("news");
        b.unsubscribe("news");
        assertThat(frame0(xpub.receive())).isEqualTo(sub(0, "news"));
        // A subscriber that goes away takes its last topics with it.
        b.close();
        assertThat(frame0(xpub.receive())).isEqualTo(sub(0, "sport"));
    }

    @Test
    void xpubVerboseReportsEverySubscription() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.options().linger(0).receiveTimeout(WAIT.toMillis()).xpubVerbose(true);
        xpub.bind("tcp://127.0.0.1:*");
        Sub a = ctx.socket(SocketType.SUB, Sub.class);
        Sub b = ctx.socket(SocketType.SUB, Sub.class);
        a.connect("tcp://127.0.0.1:" + xpub.boundPort());
        b.connect("tcp://127.0.0.1:" + xpub.boundPort());
        a.subscribe("x");
        assertThat(frame0(xpub.receive())).isEqualTo(sub(1, "x"));
        b.subscribe("x");
        assertThat(frame0(xpub.receive())).isEqualTo(sub(1, "x"));
    }

    @Test
    void forwarderPassesSubscriptionsUpAndMessagesDown() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.options().linger(0);
        pub.bind("tcp://127.0.0.1:*");
        Socket xsub = ctx.socket(SocketType.XSUB);
        xsub.options().linger(0).receiveTimeout(50);
        xsub.connect("tcp://127.0.0.1:" + pub.boundPort());
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.options().linger(0).receiveTimeout(50);
        xpub.bind("tcp://127.0.0.1:*");
        Sub sub = ctx.socket(SocketType.SUB, Sub.class);
        sub.options().receiveTimeout(20);
        sub.connect("tcp://127.0.0.1:" + xpub.boundPort());
        sub.subscribe("t");

        // The forwarder: subscriptions from xpub go up through xsub, data from xsub goes down through xpub.
        Thread forwarder = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && !xpub.isClosed() && !xsub.isClosed()) {
                try {
                    Message up = xpub.receive(Duration.ofMillis(5));
                    if (up != null) {
                        xsub.send(up);
                    }
                    Message down = xsub.receive(Duration.ofMillis(5));
                    if (down != null) {
                        xpub.send(down);
                    }
                } catch (IllegalStateException closed) {
                    return;
                }
            }
        });
        forwarder.start();
        try {
            String[] got = new String[1];
            await().atMost(WAIT).until(() -> {
                pub.send(Message.of("u-not-subscribed"));
                pub.send(Message.of("t-subscribed"));
                Message m = sub.receive(Duration.ofMillis(20));
                if (m != null) {
                    try (m) {
                        got[0] = m.string(0);
                    }
                }
                return got[0] != null;
            });
            assertThat(got[0]).isEqualTo("t-subscribed");
        } finally {
            forwarder.interrupt();
            try {
                forwarder.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void xsubSubscribesByMessage() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.options().linger(0);
        pub.bind("tcp://127.0.0.1:*");
        Socket xsub = ctx.socket(SocketType.XSUB);
        xsub.options().linger(0);
        xsub.connect("tcp://127.0.0.1:" + pub.boundPort());
        xsub.send(new Message().add(Unpooled.wrappedBuffer(sub(1, "k"))));
        String[] got = new String[1];
        await().atMost(WAIT).until(() -> {
            pub.send(Message.of("z-no"));
            pub.send(Message.of("k-yes"));
            Message m = xsub.receive(Duration.ofMillis(20));
            if (m != null) {
                try (m) {
                    got[0] = m.string(0);
                }
            }
            return got[0] != null;
        });
        assertThat(got[0]).isEqualTo("k-yes");
    }

    @Test
    void withNoDropAPublisherWaitsForASlowSubscriberInsteadOfDroppingForIt() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.options().linger(0).sendHwm(10).xpubNoDrop(true);
        pub.bind("tcp://127.0.0.1:*");
        Sub sub = ctx.socket(SocketType.SUB, Sub.class);
        sub.options().linger(0).receiveHwm(10).receiveTimeout(WAIT.toMillis());
        sub.connect("tcp://127.0.0.1:" + pub.boundPort());
        sub.subscribe("");
        // Subscribed once a probe gets through (messages before that are dropped as no one matches).
        await().atMost(WAIT).until(() -> {
            pub.trySend(Message.of("probe"));
            try (Message m = sub.tryReceive()) {
                return m != null;
            }
        });
        // Nobody reads: sends stop once every queue on the way is full, and none is dropped.
        int sent = 0;
        while (sent < 1_000_000 && pub.send(Message.of(Integer.toString(sent)), Duration.ofMillis(300))) {
            sent++;
        }
        assertThat(sent).isLessThan(1_000_000);
        assertThat(pub.peers().get(0).drops()).isZero();
        int next = 0;
        while (next < sent) {
            try (Message r = sub.receive()) {
                assertThat(r).as("message %d of %d", next, sent).isNotNull();
                if (r.string(0).equals("probe")) {
                    continue;  // probes sent while the subscription was on its way come first
                }
                assertThat(r.string(0)).isEqualTo(Integer.toString(next));
                next++;
            }
        }
        // And sending goes on once the subscriber has read.
        assertThat(pub.send(Message.of("after"), WAIT)).isTrue();
        try (Message r = sub.receive()) {
            assertThat(r.string(0)).isEqualTo("after");
        }
    }

    @Test
    void noDropAppliesToPubAndXpubOnly() {
        Socket push = ctx.socket(SocketType.PUSH);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> push.options().xpubNoDrop(true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("XPUB_NODROP").hasMessageContaining("PUSH");
        ctx.socket(SocketType.XPUB).options().xpubNoDrop(true);
    }
}
