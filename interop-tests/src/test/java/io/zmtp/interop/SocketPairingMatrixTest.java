package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.subscription;
import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every valid pairing of socket types, with our socket at each end, each end binding, over tcp
 * and ipc, with the NULL mechanism.
 */
class SocketPairingMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Socket pairings (NULL mechanism)");

    /** A valid pairing: socket type A talks to socket type B. */
    enum Pairing {
        REQ_REP, REQ_ROUTER, DEALER_REP, DEALER_ROUTER, DEALER_DEALER, ROUTER_ROUTER,
        PUB_SUB, XPUB_XSUB, PUB_XSUB, XPUB_SUB, PUSH_PULL, PAIR_PAIR;

        final String a = name().substring(0, name().indexOf('_'));
        final String b = name().substring(name().indexOf('_') + 1);

        boolean symmetric() {
            return a.equals(b);
        }

        String label() {
            return a + "-" + b;
        }
    }

    /** Which end is ours, which end binds, and the transport. */
    record Variant(Pairing pairing, boolean oursIsA, boolean aBinds, Transport transport) {
        String name() {
            String ours = pairing.symmetric() ? pairing.a : (oursIsA ? pairing.a : pairing.b);
            boolean oursBinds = oursIsA == aBinds;
            return pairing.label() + " | ours=" + ours + " | ours " + (oursBinds ? "binds" : "connects") + " | "
                    + transport.label();
        }
    }

    static List<Variant> variants() {
        List<Variant> out = new ArrayList<>();
        for (Pairing p : Pairing.values()) {
            for (boolean oursIsA : p.symmetric() ? new boolean[] {true} : new boolean[] {true, false}) {
                for (boolean oursBinds : new boolean[] {true, false}) {
                    for (Transport t : Transport.values()) {
                        out.add(new Variant(p, oursIsA, oursIsA == oursBinds, t));
                    }
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicContainer> pairings() {
        List<Variant> all = variants();
        return MATRIX.perPeer(kind -> all.stream().map(v -> MATRIX.cell(v.name(), kind, v.transport(), cell -> run(cell, v))));
    }

    private static End open(Cell cell, Variant v, boolean sideA) {
        String type = sideA ? v.pairing().a : v.pairing().b;
        boolean ours = sideA == v.oursIsA();
        // ROUTER-ROUTER needs both identities known up front, and a sender that can tell "not yet".
        String identity = v.pairing() == Pairing.ROUTER_ROUTER ? (sideA ? "router-a" : "router-b") : null;
        if (ours) {
            return cell.ours(SocketType.valueOf(type), o -> {
                if (identity != null) {
                    o.identity(utf8(identity)).routerMandatory(true);
                }
            });
        }
        PeerOptions options = PeerOptions.none();
        if (identity != null) {
            options = options.withIdentity(identity).withRouterMandatory();
        }
        return cell.peer(type, options);
    }

    static void run(Cell cell, Variant v) {
        End a = open(cell, v, true);
        End b = open(cell, v, false);
        if (v.pairing() == Pairing.PUB_SUB || v.pairing() == Pairing.XPUB_SUB) {
            b.subscribe(utf8("t"));
        }
        if (v.aBinds()) {
            cell.link(a, b);
        } else {
            cell.link(b, a);
        }
        switch (v.pairing()) {
            case REQ_REP -> reqRep(cell, a, b);
            case REQ_ROUTER -> {
                for (int i = 0; i < 2; i++) {
                    a.send("request-" + i);
                    List<byte[]> m = cell.next(b);
                    assertThat(m).hasSize(3);
                    assertThat(m.get(0)).as("routing id").isNotEmpty();
                    assertThat(m.get(1)).as("REQ's empty delimiter").isEmpty();
                    assertThat(new String(m.get(2))).isEqualTo("request-" + i);
                    b.send(m.get(0), new byte[0], utf8("reply-" + i));
                    cell.expect(a, "reply-" + i);
                }
            }
            case DEALER_REP -> {
                for (int i = 0; i < 2; i++) {
                    a.send("", "request-" + i);
                    cell.expect(b, "request-" + i);
                    b.send("reply-" + i, "more");
                    cell.expect(a, "", "reply-" + i, "more");
                }
            }
            case DEALER_ROUTER -> {
                a.send("hello", "world");
                List<byte[]> m = cell.next(b);
                assertThat(m).hasSize(3);
                assertThat(End.strings(m.subList(1, 3))).containsExactly("hello", "world");
                b.send(m.get(0), utf8("back"));
                cell.expect(a, "back");
                b.send(m.get(0), utf8("unprompted"));
                cell.expect(a, "unprompted");
            }
            case DEALER_DEALER -> {
                a.send("ping");
                cell.expect(b, "ping");
                b.send("pong", "two");
                cell.expect(a, "pong", "two");
            }
            case ROUTER_ROUTER -> {
                End binder = v.aBinds() ? a : b;
                End connecter = v.aBinds() ? b : a;
                String binderId = binder == a ? "router-a" : "router-b";
                String connecterId = connecter == a ? "router-a" : "router-b";
                // The connecting ROUTER learns the other's id in the handshake: send once it is routable.
                await().atMost(Cell.WAIT).pollInterval(Duration.ofMillis(10))
                        .until(() -> connecter.trySend(List.of(utf8(binderId), utf8("hello"))));
                cell.expect(binder, connecterId, "hello");
                binder.send(connecterId, "welcome");
                cell.expect(connecter, binderId, "welcome");
            }
            case PUB_SUB -> pubSub(cell, a, b);
            case XPUB_XSUB -> {
                b.send(subscription(true, "t"));
                cell.expectBytes(a, List.of(subscription(true, "t")));
                a.send("x-filtered");
                a.send("t-data", "more");
                cell.expect(b, "t-data", "more");
                b.send(subscription(false, "t"));
                cell.expectBytes(a, List.of(subscription(false, "t")));
            }
            case PUB_XSUB -> {
                b.send(subscription(true, "t"));
                List<byte[]> first = cell.publishUntilReceived(a, b, End.frames("t-news"));
                assertThat(End.strings(first)).containsExactly("t-news");
                a.send("x-filtered");
                cell.drainUntil(a, b, "t-last", s -> s.equals("t-news"));
            }
            case XPUB_SUB -> {
                cell.expectBytes(a, List.of(subscription(true, "t")));
                a.send("x-filtered");
                a.send("t-data", "more");
                cell.expect(b, "t-data", "more");
            }
            case PUSH_PULL -> {
                for (int i = 0; i < 5; i++) {
                    a.send("job-" + i, "payload");
                }
                for (int i = 0; i < 5; i++) {
                    cell.expect(b, "job-" + i, "payload");
                }
            }
            case PAIR_PAIR -> {
                a.send("one");
                cell.expect(b, "one");
                b.send("two", "frames");
                cell.expect(a, "two", "frames");
            }
            default -> throw new IllegalStateException("no exchange for " + v.pairing());
        }
    }

    /** REQ {@code a} and REP {@code b}: three round trips, a two-frame request each. */
    static void reqRep(Cell cell, End a, End b) {
        for (int i = 0; i < 3; i++) {
            a.send("request-" + i, "second frame");
            cell.expect(b, "request-" + i, "second frame");
            b.send("reply-" + i);
            cell.expect(a, "reply-" + i);
        }
    }

    /** PUB {@code a} and SUB {@code b}, subscribed to "t": what matches arrives, what does not is filtered. */
    static void pubSub(Cell cell, End a, End b) {
        List<byte[]> first = cell.publishUntilReceived(a, b, End.frames("t-news", "body"));
        assertThat(End.strings(first)).containsExactly("t-news", "body");
        a.send("x-filtered");
        cell.drainUntil(a, b, "t-last", s -> s.equals("t-news"));
    }
}
