package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Router;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * libzmq's options that change what a socket does, each against libzmq's documented behaviour:
 * ROUTER_HANDOVER, ROUTER_NOTIFY, PROBE_ROUTER, XPUB_WELCOME_MSG, INVERT_MATCHING, IMMEDIATE,
 * RECONNECT_STOP, HELLO_MSG, DISCONNECT_MSG and HICCUP_MSG.
 */
class SocketOptionsBehaviourTest extends SocketTestSupport {
    @Test
    void routerHandoverGivesTheIdToTheNewcomer() {
        Router router = (Router) socket(SocketType.ROUTER);
        router.options().routerHandover(true);
        String endpoint = router.bind("tcp://127.0.0.1:0");
        Socket first = socket(SocketType.DEALER);
        first.options().identity(utf8("same")).reconnectIvl(-1);
        first.connect(endpoint);
        first.send("from first");
        assertThat(strings(router.receive())).containsExactly("same", "from first");
        Socket second = socket(SocketType.DEALER);
        second.options().identity(utf8("same"));
        second.connect(endpoint);
        second.send("from second");
        assertThat(strings(router.receive())).containsExactly("same", "from second");
        router.send(Message.of("same", "to the newcomer"));
        assertThat(second.receiveString()).isEqualTo("to the newcomer");
        // The first connection was closed by the ROUTER (and is not remade: RECONNECT_IVL -1).
        await().atMost(WAIT).until(() -> first.peers().stream().noneMatch(p -> p.connected()));
    }

    @Test
    void routerNotifyAnnouncesPeersComingAndGoing() {
        Router router = (Router) socket(SocketType.ROUTER);
        router.options().routerNotify(SocketOptions.NOTIFY_CONNECT | SocketOptions.NOTIFY_DISCONNECT);
        String endpoint = router.bind("tcp://127.0.0.1:0");
        Socket dealer = socket(SocketType.DEALER);
        dealer.options().identity(utf8("d1"));
        dealer.connect(endpoint);
        assertThat(strings(router.receive())).containsExactly("d1", "");
        dealer.send("hello");
        assertThat(strings(router.receive())).containsExactly("d1", "hello");
        dealer.close();
        assertThat(strings(router.receive())).containsExactly("d1", "");
    }

    @Test
    void probeRouterSendsAnEmptyMessageFirst() {
        Router router = (Router) socket(SocketType.ROUTER);
        String endpoint = router.bind("tcp://127.0.0.1:0");
        Socket dealer = socket(SocketType.DEALER);
        dealer.options().identity(utf8("prober")).probeRouter(true);
        dealer.connect(endpoint);
        // Nothing sent by the application: the ROUTER hears of the peer anyway.
        assertThat(strings(router.receive())).containsExactly("prober", "");
        router.send(Message.of("prober", "welcome"));
        assertThat(dealer.receiveString()).isEqualTo("welcome");
    }

    @Test
    void xpubWelcomesEachNewSubscriber() {
        Socket xpub = socket(SocketType.XPUB);
        xpub.options().xpubWelcomeMessage(utf8("WELCOME"));
        String endpoint = xpub.bind("tcp://127.0.0.1:0");
        Sub sub = (Sub) socket(SocketType.SUB);
        sub.subscribe("W");
        sub.connect(endpoint);
        assertThat(sub.receiveString()).isEqualTo("WELCOME");
        // The XPUB's application still sees the subscription.
        assertThat(strings(xpub.receive()).get(0)).isEqualTo("\u0001W");
    }

    @Test
    void invertMatchingSendsAndKeepsWhatDoesNotMatch() {
        Socket pub = socket(SocketType.PUB);
        pub.options().invertMatching(true);
        String endpoint = pub.bind("tcp://127.0.0.1:0");
        Sub sub = (Sub) socket(SocketType.SUB);
        sub.options().invertMatching(true);
        sub.subscribe("noise");
        sub.connect(endpoint);
        String first = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (first == null && System.nanoTime() < deadline) {
            pub.send("noise that matches");
            pub.send("signal");
            Message m = sub.receive(Duration.ofMillis(50));
            if (m != null) {
                try (m) {
                    first = m.string(0);
                }
            }
        }
        assertThat(first).isEqualTo("signal");
        pub.send("noise again");
        pub.send("signal 2");
        assertThat(sub.receiveString()).isEqualTo("signal 2");
    }

    @Test
    void immediateSendsOnlyToConnectedPeers() throws Exception {
        Socket router = socket(SocketType.ROUTER);
        String live = router.bind("tcp://127.0.0.1:0");
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        Socket dealer = socket(SocketType.DEALER);
        dealer.options().immediate(true);
        dealer.connect("tcp://127.0.0.1:" + deadPort);
        dealer.connect(live);
        await().atMost(WAIT).until(() -> dealer.peers().stream().anyMatch(p -> p.connected()));
        for (int i = 0; i < 10; i++) {
            dealer.send("m" + i);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(strings(router.receive()).get(1)).isEqualTo("m" + i);
        }
    }

    @Test
    void reconnectStopGivesUpOnARefusedConnect() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Socket dealer = socket(SocketType.DEALER);
        dealer.options().reconnectStop(SocketOptions.STOP_CONN_REFUSED);
        dealer.connect("tcp://127.0.0.1:" + port);
        // The refused connect takes the peer away for good.
        await().atMost(WAIT).until(() -> dealer.peers().isEmpty());
    }

    @Test
    void reconnectStopGivesUpAfterADisconnect() {
        Socket router = socket(SocketType.ROUTER);
        String endpoint = router.bind("tcp://127.0.0.1:0");
        Socket dealer = socket(SocketType.DEALER);
        dealer.options().reconnectStop(SocketOptions.STOP_AFTER_DISCONNECT);
        dealer.connect(endpoint);
        await().atMost(WAIT).until(() -> dealer.peers().stream().anyMatch(p -> p.connected()));
        router.close();
        await().atMost(WAIT).until(() -> dealer.peers().isEmpty());
    }

    @Test
    void helloGoesFirstAndDisconnectComesLast() {
        Router router = (Router) socket(SocketType.ROUTER);
        router.options().disconnectMessage(utf8("BYE"));
        String endpoint = router.bind("tcp://127.0.0.1:0");
        Socket dealer = socket(SocketType.DEALER);
        dealer.options().identity(utf8("d")).helloMessage(utf8("HELLO"));
        dealer.connect(endpoint);
        dealer.send("work");
        assertThat(strings(router.receive())).containsExactly("d", "HELLO");
        assertThat(strings(router.receive())).containsExactly("d", "work");
        dealer.close();
        assertThat(strings(router.receive())).containsExactly("d", "BYE");
    }

    /** An accepting ROUTER with HELLO_MSG and PROBE_ROUTER: the hello first, then the probe, as libzmq. */
    @Test
    void helloComesBeforeTheProbe() {
        Socket router = socket(SocketType.ROUTER);
        router.options().helloMessage(utf8("HELLO")).probeRouter(true);
        String endpoint = router.bind("tcp://127.0.0.1:0");
        Socket dealer = socket(SocketType.DEALER);
        dealer.connect(endpoint);
        assertThat(dealer.receiveString()).isEqualTo("HELLO");
        assertThat(dealer.receiveString()).isEmpty();
    }

    @Test
    void zapEnforceDomainRefusesPeersWhenNoAuthenticatorAnswers() {
        Socket pull = socket(SocketType.PULL);
        pull.options().zapDomain("global").zapEnforceDomain(true);
        java.util.List<SocketEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        pull.addEventListener(events::add);
        String endpoint = pull.bind("tcp://127.0.0.1:0");
        Socket push = socket(SocketType.PUSH);
        push.connect(endpoint);
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type() == SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
    }

    @Test
    void aConnectionThatDropsIsAHiccup() {
        Socket router = socket(SocketType.ROUTER);
        String endpoint = router.bind("tcp://127.0.0.1:0");
        Socket dealer = socket(SocketType.DEALER);
        dealer.options().hiccupMessage(utf8("HICCUP"));
        dealer.connect(endpoint);
        await().atMost(WAIT).until(() -> dealer.peers().stream().anyMatch(p -> p.connected()));
        router.close();
        assertThat(dealer.receiveString()).isEqualTo("HICCUP");
    }

    @Test
    void serverHearsOfAClientThatLeftWithItsRoutingId() {
        Socket server = socket(SocketType.SERVER);
        server.options().disconnectMessage(utf8("gone"));
        String endpoint = server.bind("tcp://127.0.0.1:0");
        Socket client = socket(SocketType.CLIENT);
        client.connect(endpoint);
        client.send("hi");
        int id;
        try (Message m = server.receive()) {
            id = m.routingId();
        }
        client.close();
        try (Message m = server.receive()) {
            assertThat(m.string(0)).isEqualTo("gone");
            assertThat(m.routingId()).isEqualTo(id);
        }
    }

    @Test
    void conflateOnAReceiverKeepsTheNewest() {
        Socket pull = socket(SocketType.PULL);
        pull.options().conflate(true);
        String endpoint = pull.bind("tcp://127.0.0.1:0");
        Socket push = socket(SocketType.PUSH);
        push.connect(endpoint);
        for (int i = 0; i < 1000; i++) {
            push.send("m" + i);
        }
        await().atMost(WAIT).until(() -> pull.stats().messagesIn() == 1000);
        assertThat(pull.receiveString()).isEqualTo("m999");
        assertThat(pull.tryReceive()).isNull();
        push.send("m1000");
        assertThat(pull.receiveString()).isEqualTo("m1000");
    }

    @Test
    void conflateOnASubscriberKeepsTheNewestOfItsTopics() {
        Socket pub = socket(SocketType.PUB);
        String endpoint = pub.bind("inproc://conflate-sub");
        Sub sub = (Sub) socket(SocketType.SUB);
        sub.options().conflate(true);
        sub.subscribe("t");
        sub.connect(endpoint);
        await().atMost(WAIT).until(() -> publishedTo(pub, sub));
        long before = sub.stats().messagesIn();
        for (int i = 0; i < 500; i++) {
            pub.send("t" + i);
            pub.send("x" + i);
        }
        // Only the 500 of topic t reach the SUB (the PUB filters): wait for all of them.
        await().atMost(WAIT).until(() -> sub.stats().messagesIn() >= before + 500);
        assertThat(sub.receiveString()).isEqualTo("t499");
        assertThat(sub.tryReceive()).isNull();
    }

    /** Publishes probes until the subscriber got one (its subscription arrived), then takes them away. */
    private static boolean publishedTo(Socket pub, Socket sub) {
        pub.send("t-probe");
        Message m = sub.receive(Duration.ofMillis(20));
        if (m == null) {
            return false;
        }
        m.close();
        while ((m = sub.receive(Duration.ofMillis(50))) != null) {
            m.close();
        }
        return true;
    }

    @Test
    void conflateOnASenderKeepsTheNewestUnsent() {
        Socket push = socket(SocketType.PUSH);
        push.options().conflate(true);
        String endpoint = "inproc://conflate-push";
        push.connect(endpoint);
        // The connect's peer exists (nobody is bound yet): what is sent to it waits in its queue.
        await().atMost(WAIT).until(() -> push.peers().size() == 1);
        for (int i = 0; i < 10; i++) {
            push.send("m" + i);
        }
        Socket pull = socket(SocketType.PULL);
        pull.bind(endpoint);
        assertThat(pull.receiveString()).isEqualTo("m9");
        assertThat(pull.receive(Duration.ofMillis(200))).isNull();
        try (Message two = Message.of("a", "b")) {
            assertThatThrownBy(() -> push.send(two)).hasMessageContaining("CONFLATE");
        }
    }

    /** XPUB_MANUAL: the application decides what a subscriber gets (here: topic b for a request of a). */
    @Test
    void xpubManualLetsTheApplicationApplySubscriptions() {
        io.zmtp.socket.type.XPub xpub = (io.zmtp.socket.type.XPub) socket(SocketType.XPUB);
        xpub.options().xpubManual(true);
        String endpoint = xpub.bind("tcp://127.0.0.1:0");
        Socket xsub = socket(SocketType.XSUB);
        xsub.connect(endpoint);
        xsub.send(Message.of(new byte[] {1, 'a'}));
        try (Message request = xpub.receive()) {
            assertThat(request.bytes(0)).containsExactly(1, 'a');
        }
        // Nothing applied yet: a message of topic a goes nowhere.
        xpub.send("a-not-yet");
        xpub.subscribe(utf8("b"));
        xpub.send("a-still-not");
        xpub.send("b-yes");
        assertThat(xsub.receiveString()).isEqualTo("b-yes");
        // A second request for the same topic goes up too (nothing is merged in manual mode).
        xsub.send(Message.of(new byte[] {1, 'a'}));
        try (Message again = xpub.receive()) {
            assertThat(again.bytes(0)).containsExactly(1, 'a');
        }
        assertThatThrownBy(() -> ((io.zmtp.socket.type.XPub) socket(SocketType.XPUB)).subscribe(utf8("x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("XPUB_MANUAL");
    }

    @Test
    void eachOptionIsRefusedByNameWhereItDoesNotApply() {
        SocketOptions push = ctx.socket(SocketType.PUSH).options();
        assertThatThrownBy(() -> push.routerHandover(true)).hasMessageContaining("ROUTER_HANDOVER");
        assertThatThrownBy(() -> push.routerNotify(1)).hasMessageContaining("ROUTER_NOTIFY");
        assertThatThrownBy(() -> push.probeRouter(true)).hasMessageContaining("PROBE_ROUTER");
        assertThatThrownBy(() -> push.xpubWelcomeMessage(utf8("x"))).hasMessageContaining("XPUB_WELCOME_MSG");
        assertThatThrownBy(() -> push.invertMatching(true)).hasMessageContaining("INVERT_MATCHING");
        assertThatThrownBy(() -> push.helloMessage(utf8("x"))).hasMessageContaining("HELLO_MSG");
        assertThatThrownBy(() -> push.disconnectMessage(utf8("x"))).hasMessageContaining("DISCONNECT_MSG");
        assertThatThrownBy(() -> push.hiccupMessage(utf8("x"))).hasMessageContaining("HICCUP_MSG");
        assertThatThrownBy(() -> ctx.socket(SocketType.ROUTER).options().conflate(true)).hasMessageContaining("CONFLATE");
        assertThatThrownBy(() -> push.xpubManual(true)).hasMessageContaining("XPUB_MANUAL");
        SocketOptions router = ctx.socket(SocketType.ROUTER).options();
        assertThatThrownBy(() -> router.routerNotify(8)).hasMessageContaining("ROUTER_NOTIFY");
        assertThatThrownBy(() -> router.reconnectStop(16)).hasMessageContaining("RECONNECT_STOP");
        assertThatThrownBy(() -> router.helloMessage(null)).hasMessageContaining("HELLO_MSG");
    }
}
