package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The socket options whose effect shows on the wire, each set on our side and on the peer's:
 * PROBE_ROUTER, ROUTER_HANDOVER, XPUB_WELCOME_MSG and HELLO_MSG, against every peer (libzmq 4.3.5
 * too, for HELLO_MSG). A peer that lacks an option marks the cell n/a, saying so.
 */
class OptionsMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Socket options seen on the wire (tcp)");

    private interface Body {
        void run(Cell cell, boolean oursSets) throws Exception;
    }

    private record Case(String name, Body body) {
    }

    @TestFactory
    Stream<DynamicContainer> options() {
        List<Case> cases = List.of(
                new Case("PROBE_ROUTER", OptionsMatrixTest::probeRouter),
                new Case("ROUTER_HANDOVER", OptionsMatrixTest::routerHandover),
                new Case("XPUB_WELCOME_MSG", OptionsMatrixTest::xpubWelcome),
                new Case("HELLO_MSG", OptionsMatrixTest::hello));
        return MATRIX.perPeer(List.of(PeerKind.JEROMQ, PeerKind.LIBZMQ, PeerKind.LIBZMQ_DRAFT), kind -> cases.stream().flatMap(c -> Stream.of(true, false).map(oursSets ->
                MATRIX.cell(c.name() + " | set on " + (oursSets ? "ours" : "the peer"), kind, Transport.TCP,
                        cell -> c.body().run(cell, oursSets)))));
    }

    /** A DEALER with PROBE_ROUTER: the ROUTER receives [its id, empty frame] before anything is sent. */
    static void probeRouter(Cell cell, boolean oursSets) {
        End dealer = oursSets ? cell.ours(SocketType.DEALER, o -> o.identity(utf8("prober")).probeRouter(true))
                : cell.peer("DEALER", PeerOptions.none().withIdentity("prober").with("PROBE_ROUTER", 1));
        End router = oursSets ? cell.peer("ROUTER") : cell.ours(SocketType.ROUTER);
        cell.link(router, dealer);
        cell.expect(router, "prober", "");
        router.send("prober", "seen you");
        cell.expect(dealer, "seen you");
    }

    /** A second DEALER with the ROUTER's only id takes it over under ROUTER_HANDOVER. */
    static void routerHandover(Cell cell, boolean oursSets) {
        End router = oursSets ? cell.ours(SocketType.ROUTER, o -> o.routerHandover(true))
                : cell.peer("ROUTER", PeerOptions.none().with("ROUTER_HANDOVER", 1));
        End first = oursSets ? cell.peer("DEALER", PeerOptions.none().withIdentity("same"))
                : cell.ours(SocketType.DEALER, o -> o.identity(utf8("same")).reconnectIvl(-1));
        String bound = cell.link(router, first);
        first.send("from first");
        cell.expect(router, "same", "from first");
        End second = oursSets ? cell.peer("DEALER", PeerOptions.none().withIdentity("same"))
                : cell.ours(SocketType.DEALER, o -> o.identity(utf8("same")));
        cell.connectTo(bound, router, second);
        second.send("from second");
        cell.expect(router, "same", "from second");
        router.send("same", "to the newcomer");
        cell.expect(second, "to the newcomer");
    }

    /** An XPUB's welcome message is the first thing a new SUB (subscribed to its prefix) receives. */
    static void xpubWelcome(Cell cell, boolean oursSets) {
        if (cell.kind() == PeerKind.JEROMQ) {
            Assumptions.abort("JeroMQ 0.6.0 has no XPUB_WELCOME_MSG");
        }
        End xpub = oursSets ? cell.ours(SocketType.XPUB, o -> o.xpubWelcomeMessage(utf8("WELCOME")))
                : cell.peer("XPUB", PeerOptions.none().with("XPUB_WELCOME_MSG", utf8("WELCOME")));
        End sub = oursSets ? cell.peer("SUB") : cell.ours(SocketType.SUB);
        sub.subscribe(utf8("W"));
        cell.link(xpub, sub);
        cell.expect(sub, "WELCOME");
    }

    /** A DEALER's HELLO_MSG is the first message its ROUTER receives from it. */
    static void hello(Cell cell, boolean oursSets) {
        if (cell.kind() == PeerKind.LIBZMQ) {
            Assumptions.abort("HELLO_MSG is in libzmq 4.3.5's draft API (the other libzmq column); Debian's 4.3.4 lacks it");
        }
        End dealer = oursSets ? cell.ours(SocketType.DEALER, o -> o.identity(utf8("greeter")).helloMessage(utf8("HELLO")))
                : cell.peer("DEALER", PeerOptions.none().withIdentity("greeter").with("HELLO_MSG", utf8("HELLO")));
        End router = oursSets ? cell.peer("ROUTER") : cell.ours(SocketType.ROUTER);
        cell.link(router, dealer);
        dealer.send("work");
        cell.expect(router, "greeter", "HELLO");
        cell.expect(router, "greeter", "work");
    }
}
