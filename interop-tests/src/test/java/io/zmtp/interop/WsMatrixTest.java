package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.CurveKeyAuthenticator;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ZeroMQ over WebSocket (ws://, ZWS 2.0) against libzmq's ws transport: Debian's 4.3.4 and the
 * 4.3.5 in zeromq.js. REQ/REP, PUB/SUB with filtering, PUSH/PULL with 1 MiB frames, each with our
 * socket at either end and either end binding; PLAIN and CURVE with our socket as client and as
 * server. JeroMQ has no ws transport.
 */
class WsMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("WebSocket (ws://, ZWS 2.0)");

    static final List<PeerKind> PEERS = List.of(PeerKind.LIBZMQ, PeerKind.LIBZMQ_DRAFT);
    static final Map<String, String> USERS = Map.of("admin", "secret");

    enum Pairing {
        REQ_REP, PUB_SUB, PUSH_PULL;

        final String a = name().substring(0, name().indexOf('_'));
        final String b = name().substring(name().indexOf('_') + 1);
    }

    @TestFactory
    Stream<DynamicContainer> ws() {
        return MATRIX.perPeer(PEERS, kind -> {
            List<DynamicTest> cells = new ArrayList<>();
            for (Pairing p : Pairing.values()) {
                for (boolean oursIsA : new boolean[] {true, false}) {
                    for (boolean oursBinds : new boolean[] {true, false}) {
                        String name = p.a + "-" + p.b + " | ours=" + (oursIsA ? p.a : p.b) + " | ours "
                                + (oursBinds ? "binds" : "connects") + " | ws";
                        cells.add(MATRIX.cell(name, kind, Transport.TCP, cell -> pairing(cell, p, oursIsA, oursBinds)));
                    }
                }
            }
            for (boolean oursServer : new boolean[] {true, false}) {
                String side = oursServer ? "peer client -> ours server" : "ours client -> peer server";
                cells.add(MATRIX.cell("PLAIN REQ-REP | " + side + " | ws", kind, Transport.TCP, cell -> plain(cell, oursServer)));
                cells.add(MATRIX.cell("CURVE REQ-REP | " + side + " | ws", kind, Transport.TCP, cell -> curve(cell, oursServer)));
            }
            return cells.stream();
        });
    }

    private static String endpoint() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "ws://127.0.0.1:" + probe.getLocalPort() + "/zmq";
        }
    }

    private static void link(End binder, End connecter) throws Exception {
        String bound = binder.bind(endpoint());
        connecter.connect(bound);
    }

    static void pairing(Cell cell, Pairing p, boolean oursIsA, boolean oursBinds) throws Exception {
        End a = oursIsA ? cell.ours(SocketType.valueOf(p.a)) : cell.peer(p.a);
        End b = oursIsA ? cell.peer(p.b) : cell.ours(SocketType.valueOf(p.b));
        if (p == Pairing.PUB_SUB) {
            b.subscribe(utf8("t"));
        }
        boolean aBinds = oursIsA == oursBinds;
        if (aBinds) {
            link(a, b);
        } else {
            link(b, a);
        }
        switch (p) {
            case REQ_REP -> SocketPairingMatrixTest.reqRep(cell, a, b);
            case PUB_SUB -> SocketPairingMatrixTest.pubSub(cell, a, b);
            case PUSH_PULL -> {
                byte[] big = new byte[1 << 20];
                new java.util.Random(17).nextBytes(big);
                for (int i = 0; i < 3; i++) {
                    big[0] = (byte) i;
                    a.send(big.clone(), utf8("tail-" + i));
                }
                for (int i = 0; i < 3; i++) {
                    big[0] = (byte) i;
                    cell.expectBytes(b, List.of(big, utf8("tail-" + i)));
                }
            }
            default -> throw new IllegalStateException(p.name());
        }
    }

    static void plain(Cell cell, boolean oursServer) throws Exception {
        if (cell.kind() == PeerKind.LIBZMQ_DRAFT) {
            Assumptions.abort("the libzmq_draft driver sets no PLAIN credentials");
        }
        End rep = oursServer ? cell.ours(SocketType.REP, o -> o.plainServer(new PlainPasswordAuthenticator(USERS)))
                : cell.peer("REP", PeerOptions.none().withPlainServer(USERS));
        End req = oursServer ? cell.peer("REQ", PeerOptions.none().withPlainClient("admin", "secret"))
                : cell.ours(SocketType.REQ, o -> o.plainCredentials("admin", "secret"));
        link(rep, req);
        req.send("over plain");
        cell.expect(rep, "over plain");
        rep.send("welcome");
        cell.expect(req, "welcome");
        OurEnd ours = (OurEnd) (oursServer ? rep : req);
        assertThat(ours.socket().peers()).singleElement().satisfies(peer -> assertThat(peer.mechanism()).isEqualTo("PLAIN"));
    }

    static void curve(Cell cell, boolean oursServer) throws Exception {
        if (cell.kind() == PeerKind.LIBZMQ_DRAFT) {
            Assumptions.abort("the libzmq_draft driver sets no CURVE keys");
        }
        CurveKeyPair server = CurveKeyPair.generate();
        CurveKeyPair client = CurveKeyPair.generate();
        End rep = oursServer
                ? cell.ours(SocketType.REP, o -> o.curveServer(true).curveSecretKey(server.secretKeyZ85())
                        .authenticator(CurveKeyAuthenticator.of(List.of(client.publicKeyZ85()))))
                : cell.peer("REP", PeerOptions.none()
                        .withCurveServer(server.publicKeyZ85(), server.secretKeyZ85(), List.of(client.publicKeyZ85())));
        End req = oursServer
                ? cell.peer("REQ", PeerOptions.none()
                        .withCurveClient(client.publicKeyZ85(), client.secretKeyZ85(), server.publicKeyZ85()))
                : cell.ours(SocketType.REQ, o -> o.curveSecretKey(client.secretKeyZ85())
                        .curvePublicKey(client.publicKeyZ85()).curveServerKey(server.publicKeyZ85()));
        link(rep, req);
        req.send("over curve");
        cell.expect(rep, "over curve");
        rep.send("sealed reply");
        cell.expect(req, "sealed reply");
        OurEnd ours = (OurEnd) (oursServer ? rep : req);
        assertThat(ours.socket().peers()).singleElement().satisfies(peer -> assertThat(peer.mechanism()).isEqualTo("CURVE"));
    }
}
