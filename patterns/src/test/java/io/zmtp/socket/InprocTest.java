package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.pipe.PeerInfo;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * inproc:// behaviour beyond the pairings (those run in {@link SocketPairTest}), with two loops (the
 * sockets of a link may sit on different threads, and messages cross through the inbox); {@link
 * InprocOneLoopTest} runs every test again on one loop, where a write hands a message straight to the peer.
 */
class InprocTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    /** I/O threads of the context under test. */
    int ioThreads() {
        return 2;
    }

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(ioThreads());
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

    private static String text(Message m) {
        try (m) {
            return m.string(0);
        }
    }

    @Test
    void framesCrossWithoutACopy() {
        Socket push = socket(SocketType.PUSH);
        Socket pull = socket(SocketType.PULL);
        pull.bind("inproc://zero-copy");
        push.connect("inproc://zero-copy");
        ByteBuf payload = Unpooled.directBuffer(64).writeBytes(new byte[64]);
        long address = payload.memoryAddress();
        assertThat(push.send(new Message().add(payload))).isTrue();
        try (Message m = pull.receive()) {
            assertThat(m).isNotNull();
            ByteBuf got = m.frame(0);
            assertThat(got.hasMemoryAddress()).isTrue();
            assertThat(got.memoryAddress() + got.readerIndex()).isEqualTo(address);
        }
    }

    @Test
    void highWaterMarksBoundWhatAnIdleReceiverHolds() {
        Socket push = socket(SocketType.PUSH);
        Socket pull = socket(SocketType.PULL);
        push.options().sendHwm(10);
        pull.options().receiveHwm(10);
        pull.bind("inproc://hwm");
        push.connect("inproc://hwm");
        await().atMost(WAIT).until(() -> push.peers().stream().anyMatch(PeerInfo::connected));
        int sent = 0;
        // Nobody receives: the sends stop once the pipes (10 + 10, as libzmq) and the hand-off queues
        // (10 on the sending side, the receiver's read-ahead on the other) are full.
        while (sent < 5000 && push.send(Message.of("m" + sent), Duration.ofMillis(200))) {
            sent++;
        }
        assertThat(sent).isBetween(20, 30 + InboundHandoff.CAPACITY);
        // Taking the messages returns credit: every one arrives, in order, and sending goes on.
        for (int i = 0; i < sent; i++) {
            assertThat(text(pull.receive())).isEqualTo("m" + i);
        }
        assertThat(push.send(Message.of("after"))).isTrue();
        assertThat(text(pull.receive())).isEqualTo("after");
    }

    @Test
    void aFastSenderNeverOverrunsASlowReceiver() {
        Socket push = socket(SocketType.PUSH);
        Socket pull = socket(SocketType.PULL);
        push.options().sendHwm(5);
        pull.options().receiveHwm(5);
        pull.bind("inproc://credit");
        push.connect("inproc://credit");
        int count = 20_000;
        Thread sender = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                push.send(Message.of(Integer.toString(i)));
            }
        });
        sender.start();
        for (int i = 0; i < count; i++) {
            assertThat(text(pull.receive())).isEqualTo(Integer.toString(i));
            if (i % 1000 == 0) {
                assertThat(pull.peers().get(0).inboundDepth()).isLessThanOrEqualTo(5);
            }
        }
    }

    @Test
    void aConnectWaitsForTheNextBindAfterTheBinderCloses() {
        Socket push = socket(SocketType.PUSH);
        Socket first = socket(SocketType.PULL);
        List<SocketEvent> events = new CopyOnWriteArrayList<>();
        push.addEventListener(events::add);
        first.bind("inproc://rebind");
        push.connect("inproc://rebind");
        push.send(Message.of("one"));
        assertThat(text(first.receive())).isEqualTo("one");
        first.close();
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.DISCONNECTED));
        // Queued while nobody is bound; delivered to the next binder of the name.
        push.send(Message.of("two"));
        Socket second = socket(SocketType.PULL);
        second.bind("inproc://rebind");
        assertThat(text(second.receive())).isEqualTo("two");
    }

    @Test
    void aNameIsBoundOnce() {
        Socket a = socket(SocketType.PULL);
        Socket b = socket(SocketType.PULL);
        a.bind("inproc://taken");
        assertThatThrownBy(() -> b.bind("inproc://taken"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already in use");
        a.close();
        assertThat(b.bind("inproc://taken")).isEqualTo("inproc://taken");
    }

    @Test
    void incompatibleTypesAreRefused() {
        Socket pub = socket(SocketType.PUB);
        Socket push = socket(SocketType.PUSH);
        List<SocketEvent> events = new CopyOnWriteArrayList<>();
        push.addEventListener(events::add);
        pub.bind("inproc://mismatch");
        push.connect("inproc://mismatch");
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL));
        assertThat(push.peers()).noneMatch(PeerInfo::connected);
        assertThat(pub.peers()).isEmpty();
    }

    @Test
    void subscriptionsTravelAsCommands() {
        Socket pub = socket(SocketType.XPUB);
        Sub sub = (Sub) socket(SocketType.SUB);
        pub.bind("inproc://topics");
        sub.connect("inproc://topics");
        sub.subscribe("a");
        try (Message m = pub.receive()) {
            assertThat(m.bytes(0)).containsExactly(1, 'a');
        }
        pub.send(Message.of("b", "no"));
        pub.send(Message.of("a", "yes"));
        try (Message m = sub.receive()) {
            assertThat(m.strings()).containsExactly("a", "yes");
        }
        sub.unsubscribe("a");
        try (Message m = pub.receive()) {
            assertThat(m.bytes(0)).containsExactly(0, 'a');
        }
    }

    @Test
    void closingWithMessagesQueuedEverywhereLeaksNothing() {
        // The leak detector (LeakCheckExtension) fails this class if any buffer below is not released.
        Socket push = socket(SocketType.PUSH);
        Socket pull = socket(SocketType.PULL);
        pull.options().receiveHwm(50);
        pull.bind("inproc://leak");
        push.connect("inproc://leak");
        // More than the receiver's read-ahead, so some wait in its pipe and in the sender's.
        for (int i = 0; i < InboundHandoff.CAPACITY + 200; i++) {
            Message m = new Message().add(Unpooled.directBuffer(16).writeZero(16));
            if (!push.trySend(m)) {
                m.close();
            }
        }
        await().atMost(WAIT).until(() -> pull.peers().stream().anyMatch(p -> p.inboundDepth() > 0));
        pull.close();
        push.close();
    }

    @Test
    void aHandlerThatAnswersOnTheSameLinkGetsEveryAnswerThroughInOrder() throws Exception {
        Socket server = socket(SocketType.DEALER);
        Socket client = socket(SocketType.DEALER);
        server.bind("inproc://echo");
        client.connect("inproc://echo");
        // The handler runs on the server's loop, possibly inside the client's write; its answers
        // must neither deadlock nor overtake each other. (Fewer than SNDHWM: a handler must not
        // block, and a send past the mark from the loop would wait for that same loop.)
        server.onMessage(m -> {
            try (m) {
                server.send(Message.of("re:" + m.string(0)));
            }
        });
        int count = 500;
        for (int i = 0; i < count; i++) {
            assertThat(client.send(Message.of(Integer.toString(i)))).isTrue();
        }
        for (int i = 0; i < count; i++) {
            assertThat(text(client.receive())).isEqualTo("re:" + i);
        }
    }

    @Test
    void messagesAndSubscriptionsKeepTheirOrder() {
        Socket xpub = socket(SocketType.XPUB);
        Socket xsub = socket(SocketType.XSUB);
        xpub.bind("inproc://order");
        xsub.connect("inproc://order");
        await().atMost(WAIT).until(() -> xsub.peers().stream().anyMatch(PeerInfo::connected));
        // XSUB sends subscriptions as messages and XPUB reports them in the order they came.
        for (int i = 0; i < 200; i++) {
            ByteBuf sub = Unpooled.buffer().writeByte(1).writeBytes(("t" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(xsub.send(new Message().add(sub))).isTrue();
        }
        for (int i = 0; i < 200; i++) {
            try (Message m = xpub.receive()) {
                assertThat(m).isNotNull();
                assertThat(m.string(0).substring(1)).isEqualTo("t" + i);
            }
        }
    }
}
