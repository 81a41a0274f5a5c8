package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A PUSH, DEALER, REQ or PAIR send waits where libzmq's does: with no peer at all, or with every
 * peer at its SNDHWM. The hand-off to the loop holds nothing beyond what the pipes can take, so a
 * socket holds at most SNDHWM messages per peer.
 */
class SendWaitsForRoomTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final ZmtpContext ctx = new ZmtpContext();

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    /** A port nobody listens on (bound, then closed), so a connect there never gets through. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Sends "m0", "m1", ... with trySend until one is refused; returns how many went. */
    private static int fill(Socket s, int atMost) {
        int sent = 0;
        while (sent < atMost) {
            Message m = Message.of("m" + sent);
            if (!s.trySend(m)) {
                m.close();
                break;
            }
            sent++;
        }
        return sent;
    }

    @Test
    void aBoundPushWithoutPeersTakesNothing() throws Exception {
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0);
        String endpoint = push.bind("tcp://127.0.0.1:*");
        try (Message m = Message.of("nobody")) {
            assertThat(push.trySend(m)).as("trySend with no peer").isFalse();
            assertThat(push.send(m, Duration.ofMillis(50))).as("timed send with no peer").isFalse();
        }
        assertThat(push.isWritable()).isFalse();

        // A send blocked for want of a peer goes through once one connects.
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> push.send(Message.of("hello")));
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0);
        pull.connect(endpoint);
        assertThat(blocked.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        try (Message got = pull.receive(WAIT)) {
            assertThat(got.string(0)).isEqualTo("hello");
        }
        await().atMost(WAIT).until(push::isWritable);
    }

    @Test
    void aConnectingPushQueuesSendHwmMessagesAndNoMore() throws Exception {
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0).sendHwm(5);
        push.connect("tcp://127.0.0.1:" + closedPort());
        // The connect-side pipe exists before its connection (libzmq's default, not ZMQ_IMMEDIATE):
        // it takes SNDHWM messages, and the hand-off nothing more.
        await().atMost(WAIT).until(push::isWritable);
        assertThat(fill(push, 100)).isEqualTo(5);
        assertThat(push.isWritable()).isFalse();
        assertThat(push.peers()).singleElement().satisfies(p -> assertThat(p.outboundDepth()).isEqualTo(5));
    }

    @Test
    void aDealerHoldsSendHwmPerPeer() throws Exception {
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.options().linger(0).sendHwm(3);
        dealer.connect("tcp://127.0.0.1:" + closedPort());
        dealer.connect("tcp://127.0.0.1:" + closedPort());
        await().atMost(WAIT).until(() -> dealer.peers().size() == 2);
        assertThat(fill(dealer, 100)).isEqualTo(6);
        assertThat(dealer.isWritable()).isFalse();
        assertThat(dealer.peers()).allSatisfy(p -> assertThat(p.outboundDepth()).isEqualTo(3));
    }

    @Test
    void aPairWithoutItsPeerWaits() throws Exception {
        Socket pair = ctx.socket(SocketType.PAIR);
        pair.options().linger(0);
        pair.bind("inproc://lonely-pair");
        try (Message m = Message.of("alone")) {
            assertThat(pair.trySend(m)).isFalse();
        }
        Socket other = ctx.socket(SocketType.PAIR);
        other.options().linger(0);
        other.connect("inproc://lonely-pair");
        await().atMost(WAIT).until(pair::isWritable);
        assertThat(pair.send(Message.of("together"), WAIT)).isTrue();
        try (Message got = other.receive(WAIT)) {
            assertThat(got.string(0)).isEqualTo("together");
        }
    }

    @Test
    void anAsyncSendCompletesWhenAPeerArrives() throws Exception {
        Socket push = ctx.socket(SocketType.PUSH);
        push.options().linger(0);
        push.bind("inproc://async-waits");
        CompletableFuture<Void> f = push.sendAsync(Message.of("later"));
        assertThat(f).isNotDone();
        Socket pull = ctx.socket(SocketType.PULL);
        pull.options().linger(0);
        pull.connect("inproc://async-waits");
        f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        try (Message got = pull.receive(WAIT)) {
            assertThat(got.string(0)).isEqualTo("later");
        }
    }

    @Test
    void aPublisherWithoutPeersStillDrops() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.options().linger(0).sendHwm(2);
        pub.bind("inproc://nobody-listens");
        // PUB never waits for a peer: with none, every message goes nowhere at once.
        for (int i = 0; i < 100; i++) {
            assertThat(pub.send(Message.of("m" + i), WAIT)).isTrue();
        }
    }
}
