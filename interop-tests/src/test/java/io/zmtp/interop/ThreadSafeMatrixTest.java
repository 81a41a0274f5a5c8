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
 * The thread-safe socket types of libzmq's draft API (CLIENT/SERVER of RFC 41, RADIO/DISH of RFC 48,
 * SCATTER/GATHER, PEER, CHANNEL) against the implementations that have them: JeroMQ 0.6.0 and
 * libzmq 4.3.5 built with the draft API. Here a SERVER's and a PEER's messages are [routing id
 * (4 bytes), body], a RADIO's and a DISH's [group, body].
 */
class ThreadSafeMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Draft (thread-safe) socket types (NULL mechanism)");

    /** A pairing of the draft API: A sends first. */
    enum Pairing {
        CLIENT_SERVER, RADIO_DISH, SCATTER_GATHER, PEER_PEER, CHANNEL_CHANNEL;

        final String a = name().substring(0, name().indexOf('_'));
        final String b = name().substring(name().indexOf('_') + 1);
    }

    /** Which end is ours, whether ours binds, over tcp or ipc. */
    record Variant(Pairing pairing, boolean oursIsA, boolean oursBinds, Transport transport) {
        String name() {
            return pairing.a + "-" + pairing.b + " | ours=" + (oursIsA ? pairing.a : pairing.b) + " | ours "
                    + (oursBinds ? "binds" : "connects") + " | " + transport.label();
        }
    }

    static List<Variant> variants() {
        List<Variant> out = new ArrayList<>();
        for (Pairing p : Pairing.values()) {
            for (boolean oursIsA : p.a.equals(p.b) ? new boolean[] {true} : new boolean[] {true, false}) {
                for (boolean binds : new boolean[] {true, false}) {
                    for (Transport t : Transport.values()) {
                        out.add(new Variant(p, oursIsA, binds, t));
                    }
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicContainer> draftTypes() {
        return MATRIX.perPeer(PeerKind.DRAFT, kind -> Stream.concat(
                variants().stream().map(v -> MATRIX.cell(v.name(), kind, v.transport(), cell -> run(cell, v))),
                Stream.concat(
                        Stream.of(true, false).map(oursIsServer -> MATRIX.cell(
                                "two CLIENTs, one SERVER | ours=" + (oursIsServer ? "SERVER" : "the CLIENTs") + " | tcp",
                                kind, Transport.TCP, cell -> twoClients(cell, oursIsServer))),
                        Stream.of(false, true).flatMap(multicast -> Stream.of(true, false).map(oursIsRadio -> MATRIX.cell(
                                "RADIO-DISH | ours=" + (oursIsRadio ? "RADIO" : "DISH") + " | udp"
                                        + (multicast ? " multicast on lo" : "") + " (DISH binds)",
                                kind, Transport.TCP, cell -> overUdp(cell, oursIsRadio, multicast)))))));
    }

    /**
     * RADIO to DISH over udp: no ZMTP, a datagram per message; the DISH filters by group. Multicast
     * names the loopback interface ({@code udp://127.0.0.1;239.192.x.y:port}), so the datagrams
     * stay on this host.
     */
    static void overUdp(Cell cell, boolean oursIsRadio, boolean multicast) throws Exception {
        if (cell.kind() == PeerKind.JEROMQ) {
            org.junit.jupiter.api.Assumptions.abort("JeroMQ 0.6.0 has no udp transport");
        }
        End dish = oursIsRadio ? cell.peer("DISH") : cell.ours(SocketType.DISH);
        End radio = oursIsRadio ? cell.ours(SocketType.RADIO) : cell.peer("RADIO");
        dish.subscribe(utf8("weather"));
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String endpoint = multicast
                ? "udp://127.0.0.1;239.192.78." + (1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(250)) + ":" + port
                : "udp://127.0.0.1:" + port;
        dish.bind(endpoint);
        radio.connect(endpoint);
        List<byte[]> first = cell.publishUntilReceived(radio, dish, List.of(utf8("weather"), utf8("sunny")));
        assertThat(End.strings(first)).containsExactly("weather", "sunny");
        radio.send(utf8("news"), utf8("not joined"));
        radio.send(utf8("weather"), utf8("last"));
        List<byte[]> m;
        while (!new String((m = cell.next(dish)).get(1), StandardCharsets.UTF_8).equals("last")) {
            assertThat(End.strings(m)).containsExactly("weather", "sunny");
        }
    }

    static void run(Cell cell, Variant v) {
        Pairing p = v.pairing();
        if (p == Pairing.PEER_PEER && cell.kind() == PeerKind.LIBZMQ_DRAFT) {
            org.junit.jupiter.api.Assumptions.abort("zeromq.js 6.8.0 has no zmq_connect_peer and shows no routing id on"
                    + " a PEER's messages (its libzmq has PEER)");
        }
        End a = v.oursIsA() ? cell.ours(SocketType.valueOf(p.a)) : cell.peer(p.a);
        End b = v.oursIsA() ? cell.peer(p.b) : cell.ours(SocketType.valueOf(p.b));
        boolean aBinds = v.oursIsA() == v.oursBinds();
        if (p == Pairing.PEER_PEER) {
            // A is ours; the connecting side gets the other's id from connectPeer, before any message.
            End binder = aBinds ? a : b;
            End connecter = aBinds ? b : a;
            peers(cell, binder, connecter, cell.linkPeer(binder, connecter));
            return;
        }
        if (p == Pairing.RADIO_DISH) {
            b.subscribe(utf8("weather"));
        }
        if (aBinds) {
            cell.link(a, b);
        } else {
            cell.link(b, a);
        }
        switch (p) {
            case CLIENT_SERVER -> exchange(cell, a, b);
            case RADIO_DISH -> groups(cell, a, b);
            case CHANNEL_CHANNEL -> {
                a.send("ping");
                cell.expect(b, "ping");
                b.send("pong");
                cell.expect(a, "pong");
            }
            case PEER_PEER -> throw new IllegalStateException("handled above");
            case SCATTER_GATHER -> {
                for (int i = 0; i < 5; i++) {
                    a.send("job-" + i);
                }
                for (int i = 0; i < 5; i++) {
                    cell.expect(b, "job-" + i);
                }
            }
        }
    }

    /**
     * The DISH joined "weather": it gets that group's messages with their group, not another
     * group's; after it left the group, a marker of a group it joined later comes with nothing of
     * "weather" before it.
     */
    static void groups(Cell cell, End radio, End dish) {
        List<byte[]> first = cell.publishUntilReceived(radio, dish, List.of(utf8("weather"), utf8("sunny")));
        assertThat(End.strings(first)).containsExactly("weather", "sunny");
        radio.send(utf8("news"), utf8("not joined"));
        radio.send(utf8("weather"), utf8("rain"));
        List<byte[]> m;
        while (!new String((m = cell.next(dish)).get(1), StandardCharsets.UTF_8).equals("rain")) {
            assertThat(End.strings(m)).containsExactly("weather", "sunny");
        }
        dish.subscribe(utf8("sport"));
        cell.publishUntilReceived(radio, dish, List.of(utf8("sport"), utf8("goal")));
        dish.unsubscribe(utf8("weather"));
        // The DISH's LEAVE travels behind the request: send until a sport marker arrives with no
        // weather after the first one sent once LEAVE could have been there.
        radio.send(utf8("sport"), utf8("marker"));
        while (!new String((m = cell.next(dish)).get(1), StandardCharsets.UTF_8).equals("marker")) {
            assertThat(End.strings(m).get(0)).isIn("sport", "weather");
        }
        radio.send(utf8("weather"), utf8("after leave"));
        radio.send(utf8("sport"), utf8("end"));
        while (!new String((m = cell.next(dish)).get(1), StandardCharsets.UTF_8).equals("end")) {
            assertThat(End.strings(m).get(0)).as("a group the DISH left").isEqualTo("sport");
        }
    }

    /**
     * PEER to PEER: the connecter sends to the id connectPeer gave it, at once; the binder answers
     * the id the message came with; the connecter's answer carries the id it connected to.
     */
    static void peers(Cell cell, End binder, End connecter, int binderId) {
        assertThat(binderId).as("connectPeer's routing id").isNotZero();
        byte[] toBinder = java.nio.ByteBuffer.allocate(4).putInt(binderId).array();
        connecter.send(toBinder, utf8("hello"));
        List<byte[]> m = cell.next(binder);
        assertThat(m).hasSize(2);
        assertThat(routingId(m.get(0))).isNotZero();
        assertThat(new String(m.get(1), StandardCharsets.UTF_8)).isEqualTo("hello");
        binder.send(m.get(0), utf8("hi back"));
        List<byte[]> back = cell.next(connecter);
        assertThat(back).hasSize(2);
        assertThat(routingId(back.get(0))).as("the id connectPeer gave").isEqualTo(binderId);
        assertThat(new String(back.get(1), StandardCharsets.UTF_8)).isEqualTo("hi back");
    }

    /** Three requests and replies; the SERVER sees one non-zero routing id for its one CLIENT. */
    static void exchange(Cell cell, End client, End server) {
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
