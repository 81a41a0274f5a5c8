package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our socket connects to a bound peer; traffic flows; the peer goes away (libzmq: its python
 * process is killed; JeroMQ: its socket is closed) and a new peer socket binds the same endpoint;
 * our socket must reconnect by itself and traffic must resume.
 */
class ReconnectMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Reconnect (peer replaced on the same endpoint)");

    @TestFactory
    Stream<DynamicContainer> reconnectMatrix() {
        return MATRIX.perPeer(kind -> Stream.of(Transport.values()).flatMap(t -> Stream.of(
                cell(kind, t, "ours DEALER -> peer ROUTER", ReconnectMatrixTest::dealerRouter),
                cell(kind, t, "ours SUB -> peer PUB (subscription sent again)", ReconnectMatrixTest::subPub),
                cell(kind, t, "ours PUSH -> peer PULL", ReconnectMatrixTest::pushPull))));
    }

    private static DynamicTest cell(PeerKind kind, Transport t, String name, Matrix.Body body) {
        return MATRIX.cell(name + " | " + t.label(), kind, t, body);
    }

    /** The peer's side: a host of its own for libzmq (its process gets killed), the shared one for JeroMQ. */
    private static PeerHost firstHost(Cell cell) {
        return cell.kind() == PeerKind.LIBZMQ ? cell.newHost() : cell.host();
    }

    /** Ends {@code old} (and, for libzmq, its whole process), then binds a new peer at {@code endpoint}. */
    private static Peer replace(Cell cell, PeerHost host, Peer old, String type, String endpoint) {
        PeerHost next;
        if (cell.kind() == PeerKind.LIBZMQ) {
            host.kill();
            next = cell.newHost();
        } else {
            old.close();
            next = host;
        }
        Peer fresh = cell.peer(next, type, PeerOptions.none());
        cell.rebind(fresh, endpoint);
        return fresh;
    }

    /** Sends from {@code ours} until {@code peer} receives one of the messages; returns it. */
    private static List<byte[]> sendUntilReceived(Cell cell, OurEnd ours, Peer peer, String prefix) {
        long deadline = System.nanoTime() + Cell.WAIT.toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            ours.trySend(End.frames(prefix + i));
            List<byte[]> got = cell.receive(peer, Duration.ofMillis(50));
            if (got != null) {
                return got;
            }
        }
        throw new AssertionError("the new " + peer.who() + " " + peer.type() + " received nothing from our "
                + ours.type() + " within " + Cell.WAIT);
    }

    private static void dealerRouter(Cell cell) {
        PeerHost host = firstHost(cell);
        Peer router = cell.peer(host, "ROUTER", PeerOptions.none());
        OurEnd dealer = cell.ours(SocketType.DEALER, o -> o.identity(utf8("our-dealer")));
        String endpoint = cell.link(router, dealer);
        dealer.send("before");
        cell.expect(router, "our-dealer", "before");
        router.send("our-dealer", "ack-before");
        cell.expect(dealer, "ack-before");

        Peer router2 = replace(cell, host, router, "ROUTER", endpoint);
        List<byte[]> got = sendUntilReceived(cell, dealer, router2, "after-");
        assertThat(new String(got.get(0))).as("routing id on the new connection").isEqualTo("our-dealer");
        assertThat(new String(got.get(1))).startsWith("after-");
        router2.send("our-dealer", "ack-after");
        cell.expect(dealer, "ack-after");
    }

    private static void subPub(Cell cell) {
        PeerHost host = firstHost(cell);
        Peer pub = cell.peer(host, "PUB", PeerOptions.none());
        OurEnd sub = cell.ours(SocketType.SUB);
        sub.subscribe(utf8("t"));
        String endpoint = cell.link(pub, sub);
        cell.publishUntilReceived(pub, sub, End.frames("t-before"));
        cell.drainUntil(pub, sub, "t-sync", s -> s.equals("t-before"));

        Peer pub2 = replace(cell, host, pub, "PUB", endpoint);
        // The new publisher knows nothing until our SUB subscribes again on the new connection.
        List<byte[]> got = cell.publishUntilReceived(pub2, sub, End.frames("t-after"));
        assertThat(End.strings(got)).containsExactly("t-after");
        pub2.send("x-filtered");
        cell.drainUntil(pub2, sub, "t-last", s -> s.equals("t-after"));
    }

    private static void pushPull(Cell cell) {
        PeerHost host = firstHost(cell);
        Peer pull = cell.peer(host, "PULL", PeerOptions.none());
        OurEnd push = cell.ours(SocketType.PUSH);
        String endpoint = cell.link(pull, push);
        push.send("before");
        cell.expect(pull, "before");

        Peer pull2 = replace(cell, host, pull, "PULL", endpoint);
        List<byte[]> got = sendUntilReceived(cell, push, pull2, "after-");
        assertThat(new String(got.get(0))).startsWith("after-");
    }
}
