package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our sockets against peers that speak ZMTP/2.0 (libzmq 3.x's protocol) and ZMTP/1.0 (0MQ 2.x's):
 * spotify's netty-zmtp 0.4.0, a 1.0/2.0 codec on Netty 4.0, in a JVM of its own. Our socket must
 * fall back to the peer's greeting, identity frame and framing as libzmq 4.3 does, and each cell
 * checks the revision our socket recorded for the peer. netty-zmtp is a codec: the driver adds the
 * bit of socket behaviour a cell needs (REQ's delimiter, REP's envelope, ROUTER's identity frame,
 * PUB's filter), so these cells prove the wire, and our socket semantics over it.
 */
class LegacyPeerMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("ZMTP 1.0 and 2.0 peers (netty-zmtp 0.4.0)");

    /** Our type, the peer's type. */
    enum Pairing {
        PUSH_PULL, PULL_PUSH, PAIR_PAIR, REQ_REP, REP_REQ, DEALER_ROUTER, ROUTER_DEALER, PUB_SUB, SUB_PUB;

        final SocketType ours = SocketType.valueOf(name().substring(0, name().indexOf('_')));
        final String peer = name().substring(name().indexOf('_') + 1);
    }

    record Variant(Pairing pairing, boolean oursBinds) {
        String name() {
            return "ours=" + pairing.ours + " - " + pairing.peer + " | ours " + (oursBinds ? "binds" : "connects") + " | tcp";
        }
    }

    @TestFactory
    Stream<DynamicContainer> legacyPeers() {
        List<Variant> all = new ArrayList<>();
        for (Pairing p : Pairing.values()) {
            for (boolean binds : new boolean[] {true, false}) {
                all.add(new Variant(p, binds));
            }
        }
        return MATRIX.perPeer(PeerKind.LEGACY,
                kind -> all.stream().map(v -> MATRIX.cell(v.name(), kind, Transport.TCP, cell -> run(cell, v))));
    }

    static void run(Cell cell, Variant v) {
        Pairing p = v.pairing();
        OurEnd ours = cell.ours(p.ours, o -> {
            if (p == Pairing.DEALER_ROUTER) {
                o.identity(utf8("ours-id"));
            }
        });
        Peer peer = cell.peer(p.peer, p == Pairing.ROUTER_DEALER ? PeerOptions.none().withIdentity("legacy-id")
                : PeerOptions.none());
        if (p == Pairing.PUB_SUB) {
            peer.subscribe(utf8("t"));
        } else if (p == Pairing.SUB_PUB) {
            ours.subscribe(utf8("t"));
        }
        if (v.oursBinds()) {
            cell.link(ours, peer);
        } else {
            cell.link(peer, ours);
        }
        switch (p) {
            case PUSH_PULL -> {
                for (int i = 0; i < 5; i++) {
                    ours.send("job-" + i, "payload");
                }
                for (int i = 0; i < 5; i++) {
                    cell.expect(peer, "job-" + i, "payload");
                }
            }
            case PULL_PUSH -> {
                for (int i = 0; i < 5; i++) {
                    peer.send("job-" + i, "payload");
                }
                for (int i = 0; i < 5; i++) {
                    cell.expect(ours, "job-" + i, "payload");
                }
                // A frame longer than 255 bytes takes the long header form of the peer's framing.
                byte[] big = new byte[70_000];
                big[69_999] = 7;
                peer.send(big);
                cell.expectBytes(ours, List.of(big));
            }
            case PAIR_PAIR -> {
                ours.send("one");
                cell.expect(peer, "one");
                peer.send("two", "frames");
                cell.expect(ours, "two", "frames");
                byte[] big = new byte[300];
                big[299] = 9;
                ours.send(big);
                cell.expectBytes(peer, List.of(big));
            }
            case REQ_REP -> SocketPairingMatrixTest.reqRep(cell, ours, peer);
            case REP_REQ -> {
                for (int i = 0; i < 3; i++) {
                    peer.send("request-" + i);
                    cell.expect(ours, "request-" + i);
                    ours.send("reply-" + i, "more");
                    cell.expect(peer, "reply-" + i, "more");
                }
            }
            case DEALER_ROUTER -> {
                // Our identity travels in our identity frame: the peer's ROUTER addresses us by it.
                ours.send("hello", "world");
                cell.expect(peer, "ours-id", "hello", "world");
                peer.send("ours-id", "back");
                cell.expect(ours, "back");
            }
            case ROUTER_DEALER -> {
                // The peer's identity frame is its routing id at our ROUTER.
                peer.send("hello");
                cell.expect(ours, "legacy-id", "hello");
                ours.send("legacy-id", "back");
                cell.expect(peer, "back");
            }
            case PUB_SUB -> SocketPairingMatrixTest.pubSub(cell, ours, peer);
            case SUB_PUB -> {
                List<byte[]> first = cell.publishUntilReceived(peer, ours, End.frames("t-news"));
                assertThat(End.strings(first)).containsExactly("t-news");
                peer.send("x-filtered");
                cell.drainUntil(peer, ours, "t-last", s -> s.equals("t-news"));
            }
            default -> throw new IllegalStateException("no exchange for " + p);
        }
        cell.expectZmtpVersion(ours);
    }
}
