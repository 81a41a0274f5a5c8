package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * ROUTER routing ids over tcp, our socket on either side: an identity the DEALER announces, ids
 * the ROUTER generates (5 bytes, the first 0x00, as libzmq and JeroMQ make them), and
 * ROUTER_MANDATORY refusing an id nobody has.
 */
class RoutingIdMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("ROUTER routing ids (tcp)");

    @TestFactory
    Stream<DynamicContainer> routingIdMatrix() {
        return MATRIX.perPeer(kind -> Stream.of(
                cell(kind, "explicit identity | peer DEALER -> ours ROUTER", RoutingIdMatrixTest::explicitPeerDealer),
                cell(kind, "explicit identity | ours DEALER -> peer ROUTER", RoutingIdMatrixTest::explicitOurDealer),
                cell(kind, "explicit identity | peer REQ -> ours ROUTER", RoutingIdMatrixTest::explicitPeerReq),
                cell(kind, "generated ids | 2 peer DEALERs -> ours ROUTER", RoutingIdMatrixTest::generatedByOurs),
                cell(kind, "generated ids | 2 ours DEALERs -> peer ROUTER", RoutingIdMatrixTest::generatedByPeer),
                cell(kind, "ROUTER_MANDATORY to an unknown id | ours ROUTER", RoutingIdMatrixTest::mandatoryOurs),
                cell(kind, "ROUTER_MANDATORY to an unknown id | peer ROUTER", RoutingIdMatrixTest::mandatoryPeer)));
    }

    private static DynamicTest cell(PeerKind kind, String name, Matrix.Body body) {
        return MATRIX.cell(name, kind, Transport.TCP, body);
    }

    private static void explicitPeerDealer(Cell cell) {
        OurEnd router = cell.ours(SocketType.ROUTER);
        Peer dealer = cell.peer("DEALER", PeerOptions.none().withIdentity("peer-dealer-7"));
        cell.link(router, dealer);
        dealer.send("hello");
        cell.expect(router, "peer-dealer-7", "hello");
        router.send("peer-dealer-7", "back");
        cell.expect(dealer, "back");
    }

    private static void explicitOurDealer(Cell cell) {
        Peer router = cell.peer("ROUTER");
        OurEnd dealer = cell.ours(SocketType.DEALER, o -> o.identity(utf8("our-dealer-9")));
        cell.link(router, dealer);
        dealer.send("hello");
        cell.expect(router, "our-dealer-9", "hello");
        router.send("our-dealer-9", "back");
        cell.expect(dealer, "back");
    }

    private static void explicitPeerReq(Cell cell) {
        OurEnd router = cell.ours(SocketType.ROUTER);
        Peer req = cell.peer("REQ", PeerOptions.none().withIdentity("peer-req"));
        cell.link(router, req);
        req.send("question");
        cell.expect(router, "peer-req", "", "question");
        router.send("peer-req", "", "answer");
        cell.expect(req, "answer");
    }

    private static void generatedByOurs(Cell cell) {
        OurEnd router = cell.ours(SocketType.ROUTER);
        String bound = router.bind(cell.bindEndpoint());
        Peer d1 = cell.peer("DEALER");
        Peer d2 = cell.peer("DEALER");
        cell.connectTo(bound, router, d1);
        cell.connectTo(bound, router, d2);
        d1.send("from-1");
        List<byte[]> m1 = cell.next(router);
        d2.send("from-2");
        List<byte[]> m2 = cell.next(router);
        assertThat(End.strings(m1.subList(1, m1.size()))).containsExactly("from-1");
        assertThat(End.strings(m2.subList(1, m2.size()))).containsExactly("from-2");
        expectGeneratedId(m1.get(0));
        expectGeneratedId(m2.get(0));
        assertThat(m1.get(0)).as("the two generated ids differ").isNotEqualTo(m2.get(0));
        router.send(m2.get(0), utf8("to-2"));
        router.send(m1.get(0), utf8("to-1"));
        cell.expect(d1, "to-1");
        cell.expect(d2, "to-2");
    }

    private static void generatedByPeer(Cell cell) {
        Peer router = cell.peer("ROUTER");
        String bound = router.bind(cell.bindEndpoint());
        OurEnd d1 = cell.ours(SocketType.DEALER);
        OurEnd d2 = cell.ours(SocketType.DEALER);
        cell.connectTo(bound, router, d1);
        cell.connectTo(bound, router, d2);
        d1.send("from-1");
        List<byte[]> m1 = cell.next(router);
        d2.send("from-2");
        List<byte[]> m2 = cell.next(router);
        assertThat(End.strings(m1.subList(1, m1.size()))).containsExactly("from-1");
        assertThat(End.strings(m2.subList(1, m2.size()))).containsExactly("from-2");
        expectGeneratedId(m1.get(0));
        expectGeneratedId(m2.get(0));
        assertThat(m1.get(0)).as("the two generated ids differ").isNotEqualTo(m2.get(0));
        router.send(m2.get(0), utf8("to-2"));
        router.send(m1.get(0), utf8("to-1"));
        cell.expect(d1, "to-1");
        cell.expect(d2, "to-2");
    }

    /** libzmq and JeroMQ generate 5-byte ids starting with 0x00 (an announced id may not start so). */
    private static void expectGeneratedId(byte[] id) {
        assertThat(id).as("generated routing id").hasSize(5);
        assertThat(id[0]).as("first byte of a generated routing id").isZero();
    }

    private static void mandatoryOurs(Cell cell) {
        OurEnd router = cell.ours(SocketType.ROUTER, o -> o.routerMandatory(true));
        Peer dealer = cell.peer("DEALER", PeerOptions.none().withIdentity("known"));
        cell.link(router, dealer);
        dealer.send("hello");
        cell.expect(router, "known", "hello");
        Message toNobody = Message.of("nobody", "lost");
        try {
            assertThatThrownBy(() -> router.socket().send(toNobody, Duration.ofSeconds(1)))
                    .isInstanceOf(HostUnreachableException.class);
        } finally {
            toNobody.close();
        }
        router.send("known", "delivered");
        cell.expect(dealer, "delivered");
    }

    private static void mandatoryPeer(Cell cell) {
        Peer router = cell.peer("ROUTER", PeerOptions.none().withRouterMandatory());
        OurEnd dealer = cell.ours(SocketType.DEALER, o -> o.identity(utf8("known")));
        cell.link(router, dealer);
        // Routable once the peer ROUTER has attached our connection (each try lets it do so).
        await().atMost(Cell.WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> router.trySend(List.of(utf8("known"), utf8("first"))));
        cell.expect(dealer, "first");
        assertThat(router.sendOrError(List.of(utf8("nobody"), utf8("lost"))))
                .as("%s ROUTER_MANDATORY to an unknown id", cell.kind().label()).isEqualTo("EHOSTUNREACH");
        router.send("known", "delivered");
        cell.expect(dealer, "delivered");
        cell.expectNothing(dealer, Duration.ofMillis(100));
    }
}
