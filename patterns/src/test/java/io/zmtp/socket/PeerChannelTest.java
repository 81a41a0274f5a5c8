package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Peer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PEER (routing ids between equals; {@code connectPeer} returns the id at once) and CHANNEL (PAIR
 * for many threads), over every transport, with many threads on one socket.
 */
class PeerChannelTest extends SocketTestSupport {
    private static String endpoint(String transport) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:0";
            case "ipc" -> "ipc://" + System.getProperty("java.io.tmpdir") + "/zmtp-pc-" + ProcessHandle.current().pid()
                    + "-" + NAMES.incrementAndGet();
            default -> "inproc://pc-" + NAMES.incrementAndGet();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc", "inproc"})
    void connectPeerGivesTheIdAtOnceAndBothSidesAnswerById(String transport) {
        Peer a = (Peer) socket(SocketType.PEER);
        Peer b = (Peer) socket(SocketType.PEER);
        String bound = a.bind(endpoint(transport));
        int toA = b.connectPeer(bound);
        assertThat(toA).isNotZero();
        // The id is routable before the connection is up: the message waits in the peer's queue.
        assertThat(b.send(Message.of("hello").routingId(toA))).isTrue();
        int toB;
        try (Message m = a.receive()) {
            assertThat(m.string(0)).isEqualTo("hello");
            toB = m.routingId();
            assertThat(toB).isNotZero();
        }
        a.send(Message.of("hi back").routingId(toB));
        try (Message m = b.receive()) {
            assertThat(m.string(0)).isEqualTo("hi back");
            assertThat(m.routingId()).isEqualTo(toA);
        }
    }

    @Test
    void aConnectedPeerKeepsItsIdAcrossAReconnect() {
        Peer a = (Peer) socket(SocketType.PEER);
        String bound = a.bind("tcp://127.0.0.1:0");
        Peer b = (Peer) socket(SocketType.PEER);
        int toA = b.connectPeer(bound);
        b.send(Message.of("one").routingId(toA));
        assertThat(a.receiveString()).isEqualTo("one");
        a.close();
        Peer again = (Peer) socket(SocketType.PEER);
        org.awaitility.Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> again.bind(bound) != null);
        // Sent to the same id: it reaches whoever now answers at the endpoint.
        b.send(Message.of("two").routingId(toA));
        assertThat(again.receiveString()).isEqualTo("two");
    }

    @Test
    void peerRules() {
        Peer a = (Peer) socket(SocketType.PEER);
        try (Message none = Message.of("x").routingId(42); Message two = Message.of("a", "b")) {
            assertThatThrownBy(() -> a.send(none)).isInstanceOf(HostUnreachableException.class).hasMessageContaining("PEER");
            assertThatThrownBy(() -> a.send(two)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc", "inproc"})
    void channelsTalkBothWaysOneFrameAtATime(String transport) {
        Socket a = socket(SocketType.CHANNEL);
        Socket b = socket(SocketType.CHANNEL);
        b.connect(a.bind(endpoint(transport)));
        a.send("ping");
        assertThat(b.receiveString()).isEqualTo("ping");
        b.send("pong");
        assertThat(a.receiveString()).isEqualTo("pong");
        try (Message two = Message.of("a", "b")) {
            assertThatThrownBy(() -> a.send(two)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CHANNEL");
        }
    }

    /** CHANNEL waits at a peer that does not read, as PAIR does, and loses nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc", "inproc"})
    void aChannelStopsAtTheHighWaterMarkAndLosesNothing(String transport) {
        Socket a = socket(SocketType.CHANNEL);
        Socket b = socket(SocketType.CHANNEL);
        a.options().sendHwm(5);
        b.options().receiveHwm(5);
        b.connect(a.bind(endpoint(transport)));
        stopsAtTheHighWaterMarkAndLosesNothing(a, b, Message::of);
    }

    /** PEER waits at a peer that does not read (libzmq's EAGAIN, retried by a blocking send), and loses nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void aPeerStopsAtTheHighWaterMarkAndLosesNothing(String transport) {
        Peer a = (Peer) socket(SocketType.PEER);
        Peer b = (Peer) socket(SocketType.PEER);
        b.options().sendHwm(5);
        a.options().receiveHwm(5);
        int toA = b.connectPeer(a.bind(endpoint(transport)));
        stopsAtTheHighWaterMarkAndLosesNothing(b, a, body -> Message.of(body).routingId(toA));
    }

    /** Eight threads send and eight receive on each CHANNEL, both ways: each message exactly once, whole. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void eightThreadsOnEachChannel(String transport) throws Exception {
        Socket a = socket(SocketType.CHANNEL);
        Socket b = socket(SocketType.CHANNEL);
        b.connect(a.bind(endpoint(transport)));
        manyThreads(List.of(a, b), List.of(b, a), i -> "m" + i, Message::of, s -> false);
    }

    /** Eight threads send to one id and eight receive on each PEER: each message exactly once, whole. */
    @Test
    void eightThreadsOnAPeer() throws Exception {
        Peer a = (Peer) socket(SocketType.PEER);
        Peer b = (Peer) socket(SocketType.PEER);
        int toA = b.connectPeer(a.bind("tcp://127.0.0.1:0"));
        manyThreads(List.of(b), List.of(a), i -> "m" + i, body -> Message.of(body).routingId(toA), s -> false);
    }
}
