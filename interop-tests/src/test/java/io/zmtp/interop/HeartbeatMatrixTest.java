package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.SocketEvent;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ZMTP 3.1 heartbeats (PING/PONG commands) on DEALER-ROUTER over tcp, counted on the wire by the
 * cell's {@link WireTap}: our PINGs answered by a peer that has no heartbeats of its own, the
 * peer's PINGs answered by us, and a side that stops answering (the tap freezes the connection
 * without closing it), which the side with HEARTBEAT_IVL and HEARTBEAT_TIMEOUT must report as
 * DISCONNECTED within {@link #DETECT_BOUND}.
 */
class HeartbeatMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Heartbeats (DEALER -> ROUTER, tcp)");

    /** HEARTBEAT_IVL of the side that pings. */
    private static final int IVL = 100;
    /** HEARTBEAT_TIMEOUT of the side that pings: three intervals. */
    private static final int TIMEOUT = 300;
    /** PINGs (and as many PONGs less one) to see before a connection counts as kept up: > 3 intervals. */
    private static final int PINGS = 5;
    /** How soon a silent connection must be reported gone: IVL + TIMEOUT, with room for a busy 2-core machine. */
    private static final Duration DETECT_BOUND = Duration.ofMillis(4 * (IVL + TIMEOUT));

    @TestFactory
    Stream<DynamicContainer> heartbeatMatrix() {
        return MATRIX.perPeer(kind -> Stream.of(
                cell(kind, "our PINGs answered | ours DEALER (HEARTBEAT_IVL) -> peer ROUTER", HeartbeatMatrixTest::oursPing),
                cell(kind, "peer PINGs answered | peer DEALER (HEARTBEAT_IVL) -> ours ROUTER", HeartbeatMatrixTest::peerPings),
                cell(kind, "silent peer detected | ours DEALER (HEARTBEAT_IVL+TIMEOUT) -> frozen peer ROUTER",
                        HeartbeatMatrixTest::oursDetects),
                cell(kind, "silent ours detected | peer DEALER (HEARTBEAT_IVL+TIMEOUT) -> frozen ours ROUTER",
                        HeartbeatMatrixTest::peerDetects)));
    }

    private static DynamicTest cell(PeerKind kind, String name, Matrix.Body body) {
        return MATRIX.cell(name + " | tcp", kind, Transport.TCP, body);
    }

    private static void oursPing(Cell cell) {
        Peer router = cell.peer("ROUTER");
        OurEnd dealer = cell.ours(SocketType.DEALER, o -> o.identity(utf8("hb-dealer")).heartbeatIvl(IVL)
                .heartbeatTimeout(TIMEOUT));
        cell.link(router, dealer);
        dealer.send("hello");
        cell.expect(router, "hb-dealer", "hello");
        // A JeroMQ connection may have needed a second attempt (jeromq#1022); from here on none may drop.
        int connections = cell.capturedFrom(dealer).size();
        long drops = dealer.events().stream().filter(e -> e.type() == SocketEvent.Type.DISCONNECTED).count();
        awaitPingPong(cell, dealer, router);
        assertThat(dealer.events().stream().filter(e -> e.type() == SocketEvent.Type.DISCONNECTED).count())
                .as("our DEALER's DISCONNECTED events while heartbeating").isEqualTo(drops);
        assertThat(cell.capturedFrom(dealer)).as("connections through the tap (none dropped)").hasSize(connections);
        router.send("hb-dealer", "still there");
        cell.expect(dealer, "still there");
    }

    private static void peerPings(Cell cell) {
        OurEnd router = cell.ours(SocketType.ROUTER);
        Peer dealer = cell.peer("DEALER", PeerOptions.none().withIdentity("hb-dealer").withHeartbeat(IVL, TIMEOUT, 0)
                .withMonitor());
        cell.link(router, dealer);
        dealer.send("hello");
        cell.expect(router, "hb-dealer", "hello");
        // A JeroMQ connection may have needed a second attempt (jeromq#1022); from here on none may drop.
        int connections = cell.capturedFrom(dealer).size();
        dealer.events(Duration.ofMillis(1));
        awaitPingPong(cell, dealer, router);
        assertThat(dealer.events(Duration.ofMillis(20))).as("%s DEALER monitor events while heartbeating",
                cell.kind().label()).doesNotContain("DISCONNECTED");
        assertThat(cell.capturedFrom(dealer)).as("connections through the tap (none dropped)").hasSize(connections);
        router.send("hb-dealer", "still there");
        cell.expect(dealer, "still there");
    }

    private static void oursDetects(Cell cell) {
        Peer router = cell.peer("ROUTER");
        OurEnd dealer = cell.ours(SocketType.DEALER, o -> o.identity(utf8("hb-dealer")).heartbeatIvl(IVL)
                .heartbeatTimeout(TIMEOUT));
        cell.link(router, dealer);
        dealer.send("hello");
        cell.expect(router, "hb-dealer", "hello");
        await().atMost(Cell.WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> cell.commandsFrom(router, "PONG") >= 1);
        assertThat(dealer.saw(SocketEvent.Type.DISCONNECTED)).as("DISCONNECTED before the freeze").isFalse();

        cell.freezeWire();
        long frozenAt = System.nanoTime();
        await().atMost(Cell.WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> dealer.saw(SocketEvent.Type.DISCONNECTED));
        long millis = (System.nanoTime() - frozenAt) / 1_000_000;
        assertThat(millis).as("ms from the freeze to our DISCONNECTED (IVL %d, TIMEOUT %d)", IVL, TIMEOUT)
                .isLessThanOrEqualTo(DETECT_BOUND.toMillis());
        cell.note("our DEALER reported DISCONNECTED " + millis + " ms after the wire froze");
    }

    private static void peerDetects(Cell cell) {
        OurEnd router = cell.ours(SocketType.ROUTER);
        Peer dealer = heartbeatDealer(cell);
        cell.link(router, dealer);
        dealer.send("hello");
        cell.expect(router, "hb-dealer", "hello");
        long millis = freezeAndTimeDisconnect(cell, router, dealer);
        if (millis >= 0) {
            assertThat(millis).as("ms from the freeze to %s's DISCONNECTED (IVL %d, TIMEOUT %d)", cell.kind().label(),
                    IVL, TIMEOUT).isLessThanOrEqualTo(DETECT_BOUND.toMillis());
            cell.note(cell.kind().label() + " DEALER reported DISCONNECTED " + millis + " ms after the wire froze");
            return;
        }
        // No DISCONNECTED: hold the peer to what it does when a ROUTER of its own goes silent the same way.
        Peer ownRouter = cell.peer("ROUTER");
        Peer ownDealer = heartbeatDealer(cell);
        cell.link(ownRouter, ownDealer);
        ownDealer.send("hello");
        cell.expect(ownRouter, "hb-dealer", "hello");
        long own = freezeAndTimeDisconnect(cell, ownRouter, ownDealer);
        assertThat(own).as("%s DEALER detects its own ROUTER going silent (%d ms) but not ours within %s",
                cell.kind().label(), own, DETECT_BOUND.multipliedBy(2)).isNegative();
        cell.note(cell.kind().label() + " DEALER (HEARTBEAT_IVL " + IVL + ", HEARTBEAT_TIMEOUT " + TIMEOUT
                + ") reported no DISCONNECTED within " + DETECT_BOUND.multipliedBy(2).toMillis()
                + " ms of the wire freezing, though its PINGs went out and were answered before; the same with a "
                + "ROUTER of its own, so its heartbeat timeout does not detect a silent peer");
    }

    private static Peer heartbeatDealer(Cell cell) {
        return cell.peer("DEALER", PeerOptions.none().withIdentity("hb-dealer").withHeartbeat(IVL, TIMEOUT, 0)
                .withMonitor());
    }

    /**
     * Once {@code router} answered a PING of {@code dealer}'s, freezes the wire and returns the ms
     * until the dealer's monitor reported DISCONNECTED, or -1 when it did not within twice
     * {@link #DETECT_BOUND}.
     */
    private static long freezeAndTimeDisconnect(Cell cell, End router, Peer dealer) {
        int pongs = cell.commandsFrom(router, "PONG");
        await().atMost(Cell.WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> cell.commandsFrom(router, "PONG") > pongs);
        List<String> before = dealer.events(Duration.ofMillis(1));
        if (cell.kind() == PeerKind.LIBZMQ) {
            // JeroMQ may have dropped and redone its first connect (its connect race, zeromq/jeromq#1022);
            // only what happens after the freeze counts, and those earlier events are drained here.
            assertThat(before).as("%s DEALER events before the freeze", cell.kind().label()).doesNotContain("DISCONNECTED");
        }
        cell.freezeWire();
        long frozenAt = System.nanoTime();
        long deadline = frozenAt + DETECT_BOUND.multipliedBy(2).toNanos();
        List<String> seen = new ArrayList<>();
        while (!seen.contains("DISCONNECTED") && System.nanoTime() < deadline) {
            seen.addAll(dealer.events(Duration.ofMillis(20)));
        }
        return seen.contains("DISCONNECTED") ? (System.nanoTime() - frozenAt) / 1_000_000 : -1;
    }

    /**
     * Waits until {@code pinger} sent {@value #PINGS} PINGs and {@code ponger} answered all but
     * the last, i.e. the connection lived through more than three intervals on heartbeats alone.
     */
    private static void awaitPingPong(Cell cell, End pinger, End ponger) {
        long start = System.nanoTime();
        await().atMost(Cell.WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
                cell.commandsFrom(pinger, "PING") >= PINGS && cell.commandsFrom(ponger, "PONG") >= PINGS - 1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("ms for %d PINGs at IVL %d", PINGS, IVL).isGreaterThanOrEqualTo(3L * IVL);
        assertThat(cell.commandsFrom(ponger, "PING")).as("PINGs from %s %s, which has no HEARTBEAT_IVL", ponger.who(),
                ponger.type()).isZero();
    }
}
