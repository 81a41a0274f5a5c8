package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.pipe.PeerInfo;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Security mechanisms on REQ-REP (the server binds), our socket as client or server, over tcp
 * and ipc: NULL, PLAIN accepted (the server sees the User-Id), and PLAIN refused for a wrong
 * password, which both sides must report as an authentication failure.
 */
class SecurityMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Security mechanisms (REQ client, REP server)");

    private static final Map<String, String> USERS = Map.of("admin", "secret");

    @TestFactory
    Stream<DynamicContainer> securityMatrix() {
        return MATRIX.perPeer(kind -> Stream.of(Transport.values()).flatMap(t -> Stream.of(
                cell(kind, t, "NULL | peer client -> ours server", SecurityMatrixTest::nullOursServer),
                cell(kind, t, "NULL | ours client -> peer server", SecurityMatrixTest::nullOursClient),
                cell(kind, t, "PLAIN accepted | peer client -> ours server", SecurityMatrixTest::plainOursServer),
                cell(kind, t, "PLAIN accepted | ours client -> peer server", SecurityMatrixTest::plainOursClient),
                cell(kind, t, "PLAIN wrong password | peer client -> ours server", SecurityMatrixTest::refusedByOurs),
                cell(kind, t, "PLAIN wrong password | ours client -> peer server", SecurityMatrixTest::refusedByPeer))));
    }

    private static DynamicTest cell(PeerKind kind, Transport t, String name, Matrix.Body body) {
        return MATRIX.cell(name + " | " + t.label(), kind, t, body);
    }

    private static void nullOursServer(Cell cell) {
        OurEnd rep = cell.ours(SocketType.REP);
        Peer req = cell.peer("REQ");
        cell.link(rep, req);
        req.send("over null");
        OurEnd.Received got = rep.receiveWithUserId(Cell.WAIT);
        assertThat(got).as("request within %s", Cell.WAIT).isNotNull();
        assertThat(End.strings(got.frames())).containsExactly("over null");
        assertThat(got.userId()).as("User-Id under NULL").isEmpty();
        rep.send("ok");
        cell.expect(req, "ok");
        assertThat(rep.socket().peers()).singleElement().extracting(PeerInfo::mechanism).isEqualTo("NULL");
    }

    private static void nullOursClient(Cell cell) {
        Peer rep = cell.peer("REP");
        OurEnd req = cell.ours(SocketType.REQ);
        cell.link(rep, req);
        req.send("over null");
        cell.expect(rep, "over null");
        rep.send("ok");
        cell.expect(req, "ok");
        assertThat(req.socket().peers()).singleElement().extracting(PeerInfo::mechanism).isEqualTo("NULL");
    }

    private static void plainOursServer(Cell cell) {
        OurEnd rep = cell.ours(SocketType.REP, o -> o.plainServer(new PlainPasswordAuthenticator(USERS)));
        Peer req = cell.peer("REQ", PeerOptions.none().withPlainClient("admin", "secret"));
        cell.link(rep, req);
        req.send("over plain");
        OurEnd.Received got = rep.receiveWithUserId(Cell.WAIT);
        assertThat(got).as("request within %s", Cell.WAIT).isNotNull();
        assertThat(End.strings(got.frames())).containsExactly("over plain");
        assertThat(got.userId()).as("User-Id of the PLAIN client").isEqualTo("admin");
        rep.send("welcome");
        cell.expect(req, "welcome");
        assertThat(rep.socket().peers()).singleElement().satisfies(p -> {
            assertThat(p.mechanism()).isEqualTo("PLAIN");
            assertThat(p.userId()).isEqualTo("admin");
        });
    }

    private static void plainOursClient(Cell cell) {
        Peer rep = cell.peer("REP", PeerOptions.none().withPlainServer(USERS));
        OurEnd req = cell.ours(SocketType.REQ, o -> o.plainCredentials("admin", "secret"));
        cell.link(rep, req);
        req.send("over plain");
        cell.expect(rep, "over plain");
        rep.send("welcome");
        cell.expect(req, "welcome");
        assertThat(req.socket().peers()).singleElement().extracting(PeerInfo::mechanism).isEqualTo("PLAIN");
        assertThat(req.saw(SocketEvent.Type.HANDSHAKE_SUCCEEDED)).isTrue();
    }

    private static void refusedByOurs(Cell cell) {
        OurEnd rep = cell.ours(SocketType.REP, o -> o.plainServer(new PlainPasswordAuthenticator(USERS)));
        Peer req = cell.peer("REQ", PeerOptions.none().withPlainClient("admin", "wrong").withMonitor());
        cell.link(rep, req);
        // Without waiting: the peer connects and is refused whether it sends or not, and over ipc the
        // refusal can end its connection, and the pipe a send waits for, before this line runs.
        req.trySend(End.frames("must not pass"));
        expectOurAuthFailure(rep);
        // The peer client got our ERROR and must call it an authentication failure.
        List<String> seen = events(req, e -> e.contains("HANDSHAKE_FAILED_AUTH"));
        assertThat(seen).as("%s REQ monitor events within %s", cell.kind().label(), Cell.WAIT)
                .contains("HANDSHAKE_FAILED_AUTH").doesNotContain("HANDSHAKE_SUCCEEDED", "HANDSHAKE_FAILED_PROTOCOL");
        cell.expectNothing(rep, Duration.ofMillis(200));
    }

    private static void refusedByPeer(Cell cell) {
        Peer rep = cell.peer("REP", PeerOptions.none().withPlainServer(USERS).withMonitor());
        OurEnd req = cell.ours(SocketType.REQ, o -> o.plainCredentials("admin", "wrong"));
        String endpoint = cell.link(rep, req);
        req.send("must not pass");
        expectOurAuthFailure(req);
        List<String> seen = events(rep, e -> e.contains("HANDSHAKE_FAILED_AUTH") || e.contains("DISCONNECTED"));
        assertThat(seen).as("%s REP monitor events", cell.kind().label())
                .doesNotContain("HANDSHAKE_SUCCEEDED", "HANDSHAKE_FAILED_PROTOCOL");
        if (!seen.contains("HANDSHAKE_FAILED_AUTH")) {
            // JeroMQ 0.6.0's PLAIN server does not raise HANDSHAKE_FAILED_AUTH when its ZAP handler
            // says 400; it only drops the connection. Hold it to what it reports for a client of its
            // own with the same wrong password.
            assertThat(seen).as("%s REP monitor events within %s", cell.kind().label(), Cell.WAIT).contains("DISCONNECTED");
            Peer control = cell.peer("REQ", PeerOptions.none().withPlainClient("admin", "wrong"));
            control.connect(endpoint);
            List<String> own = events(rep, e -> e.contains("HANDSHAKE_FAILED_AUTH") || e.contains("DISCONNECTED"));
            assertThat(withoutListening(seen)).as("%s server events for our refused client vs. for its own",
                    cell.kind().label()).containsExactlyInAnyOrderElementsOf(withoutListening(own));
            cell.note(cell.kind().label() + "'s PLAIN server reports a refused client only as " + withoutListening(own)
                    + " (no HANDSHAKE_FAILED_AUTH), for its own client as for ours");
        }
        cell.expectNothing(rep, Duration.ofMillis(200));
    }

    private static void expectOurAuthFailure(OurEnd ours) {
        await().atMost(Cell.WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> ours.saw(SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
        assertThat(ours.saw(SocketEvent.Type.HANDSHAKE_SUCCEEDED)).as("our handshake never succeeded").isFalse();
    }

    /** The peer's monitor events until {@code done} holds of them (or {@link Cell#WAIT} passed), plus stragglers. */
    private static List<String> events(Peer peer, java.util.function.Predicate<List<String>> done) {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Cell.WAIT.toNanos();
        while (!done.test(seen) && System.nanoTime() < deadline) {
            seen.addAll(peer.events(Duration.ofMillis(100)));
        }
        seen.addAll(peer.events(Duration.ofMillis(50)));
        return seen;
    }

    private static List<String> withoutListening(List<String> events) {
        return events.stream().filter(e -> !e.equals("LISTENING")).distinct().toList();
    }
}
