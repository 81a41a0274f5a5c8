package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CLIENT and SERVER (RFC 41) against the implementations that have them: JeroMQ 0.6.0 and libzmq
 * 4.3.5 built with the draft API. A SERVER end's messages are [routing id (4 bytes), body] here.
 */
class ThreadSafeMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Thread-safe sockets: CLIENT and SERVER (NULL mechanism)");

    /** Our end is the CLIENT or the SERVER, it binds or connects, over tcp or ipc. */
    record Variant(boolean oursIsServer, boolean oursBinds, Transport transport) {
        String name() {
            return "CLIENT-SERVER | ours=" + (oursIsServer ? "SERVER" : "CLIENT") + " | ours "
                    + (oursBinds ? "binds" : "connects") + " | " + transport.label();
        }
    }

    static List<Variant> variants() {
        List<Variant> out = new ArrayList<>();
        for (boolean server : new boolean[] {true, false}) {
            for (boolean binds : new boolean[] {true, false}) {
                for (Transport t : Transport.values()) {
                    out.add(new Variant(server, binds, t));
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicContainer> clientServer() {
        return MATRIX.perPeer(PeerKind.DRAFT, kind -> Stream.concat(
                variants().stream().map(v -> MATRIX.cell(v.name(), kind, v.transport(), cell -> exchange(cell, v))),
                Stream.of(true, false).map(oursIsServer -> MATRIX.cell(
                        "two CLIENTs, one SERVER | ours=" + (oursIsServer ? "SERVER" : "the CLIENTs") + " | tcp",
                        kind, Transport.TCP, cell -> twoClients(cell, oursIsServer)))));
    }

    /** Three requests and replies; the SERVER sees one non-zero routing id for its one CLIENT. */
    static void exchange(Cell cell, Variant v) {
        End server = v.oursIsServer() ? cell.ours(SocketType.SERVER) : cell.peer("SERVER");
        End client = v.oursIsServer() ? cell.peer("CLIENT") : cell.ours(SocketType.CLIENT);
        boolean serverBinds = v.oursIsServer() == v.oursBinds();
        if (serverBinds) {
            cell.link(server, client);
        } else {
            cell.link(client, server);
        }
        int id = 0;
        for (int i = 0; i < 3; i++) {
            client.send("request-" + i);
            List<byte[]> m = cell.next(server);
            assertThat(m).as("[routing id, body]").hasSize(2);
            int got = routingId(m.get(0));
            assertThat(got).as("routing id").isNotZero();
            if (i > 0) {
                assertThat(got).as("the same CLIENT keeps its routing id").isEqualTo(id);
            }
            id = got;
            assertThat(new String(m.get(1), StandardCharsets.UTF_8)).isEqualTo("request-" + i);
            server.send(m.get(0), utf8("reply-" + i));
            cell.expect(client, "reply-" + i);
        }
    }

    /** Each of two CLIENTs gets the replies sent to its own routing id, and only those. */
    static void twoClients(Cell cell, boolean oursIsServer) {
        End server = oursIsServer ? cell.ours(SocketType.SERVER) : cell.peer("SERVER");
        End a = oursIsServer ? cell.peer("CLIENT") : cell.ours(SocketType.CLIENT);
        End b = oursIsServer ? cell.peer("CLIENT") : cell.ours(SocketType.CLIENT);
        String bound = cell.link(server, a);
        cell.connectTo(bound, server, b);
        a.send("a");
        b.send("b");
        Map<String, byte[]> ids = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            List<byte[]> m = cell.next(server);
            assertThat(m).hasSize(2);
            ids.put(new String(m.get(1), StandardCharsets.UTF_8), m.get(0));
        }
        assertThat(ids).containsOnlyKeys("a", "b");
        assertThat(routingId(ids.get("a"))).isNotEqualTo(routingId(ids.get("b")));
        for (int i = 0; i < 3; i++) {
            server.send(ids.get("b"), utf8("to b " + i));
            server.send(ids.get("a"), utf8("to a " + i));
        }
        for (int i = 0; i < 3; i++) {
            cell.expect(a, "to a " + i);
            cell.expect(b, "to b " + i);
        }
    }

    private static int routingId(byte[] frame) {
        assertThat(frame).as("routing id frame").hasSize(4);
        return ByteBuffer.wrap(frame).getInt();
    }
}
