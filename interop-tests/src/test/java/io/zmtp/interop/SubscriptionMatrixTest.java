package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpVersion;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.subscription;
import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscriptions over tcp, our socket on either side: prefix filtering, unsubscribing, and an
 * XPUB seeing subscriptions and unsubscriptions. libzmq 4.3 (ZMTP 3.1) carries them as
 * SUBSCRIBE/CANCEL commands, JeroMQ 0.6.0 (ZMTP 3.0) as 0x01/0x00 messages; the cells check on
 * the wire that the encoding matching the peer was used.
 */
class SubscriptionMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Subscriptions (tcp)");

    @TestFactory
    Stream<DynamicContainer> subscriptionMatrix() {
        return MATRIX.perPeer(kind -> Stream.of(
                cell(kind, "prefix filter | ours PUB -> peer SUB", SubscriptionMatrixTest::prefixOursPub),
                cell(kind, "prefix filter | peer PUB -> ours SUB", SubscriptionMatrixTest::prefixOursSub),
                cell(kind, "unsubscribe | ours PUB -> peer SUB", SubscriptionMatrixTest::unsubscribeOursPub),
                cell(kind, "unsubscribe | peer PUB -> ours SUB", SubscriptionMatrixTest::unsubscribeOursSub),
                cell(kind, "XPUB sees (un)subscribe | ours XPUB <- peer SUB", SubscriptionMatrixTest::oursXpubPeerSub),
                cell(kind, "XPUB sees (un)subscribe | ours XPUB <- peer XSUB", SubscriptionMatrixTest::oursXpubPeerXsub),
                cell(kind, "XPUB sees (un)subscribe | peer XPUB <- ours SUB", SubscriptionMatrixTest::peerXpubOursSub),
                cell(kind, "XPUB sees (un)subscribe | peer XPUB <- ours XSUB", SubscriptionMatrixTest::peerXpubOursXsub),
                cell(kind, "XPUB sees unsubscribe when the subscriber leaves | ours XPUB <- peer SUB",
                        SubscriptionMatrixTest::oursXpubSubscriberLeaves),
                cell(kind, "XPUB sees unsubscribe when the subscriber leaves | peer XPUB <- ours SUB",
                        SubscriptionMatrixTest::peerXpubSubscriberLeaves)));
    }

    private static DynamicTest cell(PeerKind kind, String name, Matrix.Body body) {
        return MATRIX.cell(name, kind, Transport.TCP, body);
    }

    // ------------------------------------------------------------------ prefix filter

    private static void prefixOursPub(Cell cell) {
        OurEnd pub = cell.ours(SocketType.PUB);
        Peer sub = cell.peer("SUB", PeerOptions.none().withSubscription("wea"));
        cell.link(pub, sub);
        prefixFilter(cell, pub, sub);
        expectSubscriptionOnWire(cell, sub, "wea");
    }

    private static void prefixOursSub(Cell cell) {
        Peer pub = cell.peer("PUB");
        OurEnd sub = cell.ours(SocketType.SUB);
        sub.subscribe(utf8("wea"));
        cell.link(pub, sub);
        prefixFilter(cell, pub, sub);
        expectSubscriptionOnWire(cell, sub, "wea");
    }

    private static void prefixFilter(Cell cell, End pub, End sub) {
        List<byte[]> first = cell.publishUntilReceived(pub, sub, End.frames("weather", "sunny"));
        assertThat(End.strings(first)).containsExactly("weather", "sunny");
        for (String topic : List.of("news", "w", "we", "wEather", "xweather", "weather-2", "", "wea")) {
            pub.send(topic, "body");
        }
        List<String> got = cell.drainUntil(pub, sub, "weather-last",
                s -> s.equals("weather") || s.equals("weather-2") || s.equals("wea"));
        assertThat(got).as("matching topics delivered").contains("weather-2", "wea");
    }

    // ------------------------------------------------------------------ unsubscribe

    private static void unsubscribeOursPub(Cell cell) {
        OurEnd pub = cell.ours(SocketType.PUB);
        Peer sub = cell.peer("SUB", PeerOptions.none().withSubscription("a").withSubscription("b"));
        cell.link(pub, sub);
        unsubscribe(cell, pub, sub);
    }

    private static void unsubscribeOursSub(Cell cell) {
        Peer pub = cell.peer("PUB");
        OurEnd sub = cell.ours(SocketType.SUB);
        sub.subscribe(utf8("a"));
        sub.subscribe(utf8("b"));
        cell.link(pub, sub);
        unsubscribe(cell, pub, sub);
    }

    private static void unsubscribe(Cell cell, End pub, End sub) {
        cell.publishUntilReceived(pub, sub, End.frames("b-sync"));
        pub.send("a-before");
        cell.drainUntil(pub, sub, "b-before", s -> s.equals("b-sync") || s.equals("a-before"));
        sub.unsubscribe(utf8("a"));
        // The publisher applies the CANCEL some time after: probe until an "a" is filtered out.
        boolean filtered = false;
        long deadline = System.nanoTime() + Cell.WAIT.toNanos();
        for (int i = 0; !filtered && System.nanoTime() < deadline; i++) {
            String a = "a-probe-" + i;
            pub.send(a);
            List<String> seen = cell.drainUntil(pub, sub, "b-probe-" + i, s -> s.startsWith("a-probe-"));
            filtered = !seen.contains(a);
        }
        assertThat(filtered).as("the publisher stopped sending 'a' within %s", Cell.WAIT).isTrue();
        for (int i = 0; i < 5; i++) {
            pub.send("a-after-" + i);
        }
        List<String> got = cell.drainUntil(pub, sub, "b-final", s -> false);
        assertThat(got).as("nothing for 'a' after the unsubscribe").isEmpty();
    }

    // ------------------------------------------------------------------ XPUB sees subscriptions

    private static void oursXpubPeerSub(Cell cell) {
        OurEnd xpub = cell.ours(SocketType.XPUB);
        Peer sub = cell.peer("SUB");
        cell.link(xpub, sub);
        cell.expectZmtpVersion(xpub);
        sub.subscribe(utf8("topic"));
        cell.expectBytes(xpub, List.of(subscription(true, "topic")));
        xpub.send("other", "x");
        xpub.send("topic-data", "x");
        cell.expect(sub, "topic-data", "x");
        sub.unsubscribe(utf8("topic"));
        cell.expectBytes(xpub, List.of(subscription(false, "topic")));
        expectSubscriptionOnWire(cell, sub, "topic");
    }

    private static void oursXpubPeerXsub(Cell cell) {
        OurEnd xpub = cell.ours(SocketType.XPUB);
        Peer xsub = cell.peer("XSUB");
        cell.link(xpub, xsub);
        cell.expectZmtpVersion(xpub);
        xsub.send(subscription(true, "topic"));
        cell.expectBytes(xpub, List.of(subscription(true, "topic")));
        xpub.send("other", "x");
        xpub.send("topic-data", "x");
        cell.expect(xsub, "topic-data", "x");
        xsub.send(subscription(false, "topic"));
        cell.expectBytes(xpub, List.of(subscription(false, "topic")));
    }

    private static void peerXpubOursSub(Cell cell) {
        Peer xpub = cell.peer("XPUB");
        OurEnd sub = cell.ours(SocketType.SUB);
        cell.link(xpub, sub);
        cell.expectZmtpVersion(sub);
        sub.subscribe(utf8("topic"));
        cell.expectBytes(xpub, List.of(subscription(true, "topic")));
        xpub.send("other", "x");
        xpub.send("topic-data", "x");
        cell.expect(sub, "topic-data", "x");
        sub.unsubscribe(utf8("topic"));
        cell.expectBytes(xpub, List.of(subscription(false, "topic")));
        expectSubscriptionOnWire(cell, sub, "topic");
    }

    private static void peerXpubOursXsub(Cell cell) {
        Peer xpub = cell.peer("XPUB");
        OurEnd xsub = cell.ours(SocketType.XSUB);
        cell.link(xpub, xsub);
        cell.expectZmtpVersion(xsub);
        xsub.send(subscription(true, "topic"));
        cell.expectBytes(xpub, List.of(subscription(true, "topic")));
        xpub.send("other", "x");
        xpub.send("topic-data", "x");
        cell.expect(xsub, "topic-data", "x");
        xsub.send(subscription(false, "topic"));
        cell.expectBytes(xpub, List.of(subscription(false, "topic")));
    }

    private static void oursXpubSubscriberLeaves(Cell cell) {
        OurEnd xpub = cell.ours(SocketType.XPUB);
        Peer sub = cell.peer("SUB", PeerOptions.none().withSubscription("gone"));
        cell.link(xpub, sub);
        cell.expectBytes(xpub, List.of(subscription(true, "gone")));
        sub.close();
        cell.expectBytes(xpub, List.of(subscription(false, "gone")));
    }

    private static void peerXpubSubscriberLeaves(Cell cell) {
        Peer xpub = cell.peer("XPUB");
        OurEnd sub = cell.ours(SocketType.SUB);
        sub.subscribe(utf8("gone"));
        cell.link(xpub, sub);
        cell.expectBytes(xpub, List.of(subscription(true, "gone")));
        sub.close();
        cell.expectBytes(xpub, List.of(subscription(false, "gone")));
    }

    // ------------------------------------------------------------------ the wire

    /**
     * The subscription for {@code topic} left {@code subscriber} as the peer's ZMTP revision
     * wants it: a SUBSCRIBE command (3.1) or a message starting with 0x01 (3.0).
     */
    private static void expectSubscriptionOnWire(Cell cell, End subscriber, String topic) {
        List<byte[]> connections = cell.capturedFrom(subscriber);
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] expected;
        String what;
        if (cell.kind().zmtpVersion().equals(ZmtpVersion.V3_1)) {
            // command frame: flags 0x04, size, name length 9, "SUBSCRIBE", topic
            byte[] name = "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII);
            expected = concat(new byte[] {0x04, (byte) (1 + name.length + t.length), (byte) name.length}, name, t);
            what = "a SUBSCRIBE command";
        } else {
            // message frame: flags 0x00, size, 0x01, topic
            expected = concat(new byte[] {0x00, (byte) (1 + t.length), 0x01}, t);
            what = "a 0x01 subscription message";
        }
        // After the 64-byte greeting, on whichever connection carried the traffic.
        assertThat(connections).as("%s %s sent %s for '%s' to %s (ZMTP %s)", subscriber.who(), subscriber.type(), what,
                topic, cell.kind().label(), cell.kind().zmtpVersion()).anyMatch(wire -> indexOf(wire, expected) >= 64);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
