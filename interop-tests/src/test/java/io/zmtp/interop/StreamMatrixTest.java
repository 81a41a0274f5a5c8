package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.zmtp.interop.Check.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raw STREAM sockets on both ends: no ZMTP on the wire, only the bytes each side sends. Each side
 * hears of the connection ([routing id, empty frame]), bytes go both ways, and the binding side
 * closes with an empty send, heard of at the other as [routing id, empty frame].
 */
class StreamMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Raw STREAM (no ZMTP on the wire)");

    record Variant(boolean oursBinds, Transport transport) {
        String name() {
            return "STREAM-STREAM | ours " + (oursBinds ? "binds" : "connects") + " | " + transport.label();
        }
    }

    @TestFactory
    Stream<DynamicContainer> streams() {
        List<Variant> all = new ArrayList<>();
        for (boolean binds : new boolean[] {true, false}) {
            for (Transport t : Transport.values()) {
                all.add(new Variant(binds, t));
            }
        }
        return MATRIX.perPeer(kind -> all.stream().map(v -> MATRIX.cell(v.name(), kind, v.transport(), cell -> run(cell, v))));
    }

    static void run(Cell cell, Variant v) {
        End ours = cell.ours(SocketType.STREAM);
        End peer = cell.peer("STREAM");
        if (v.oursBinds()) {
            cell.link(ours, peer);
        } else {
            cell.link(peer, ours);
        }
        byte[] oursId = connectNotice(cell, ours);
        byte[] peerId = connectNotice(cell, peer);
        ours.send(oursId, utf8("hello from ours"));
        assertThat(bytesUntil(cell, peer, peerId, "hello from ours".length())).isEqualTo("hello from ours");
        peer.send(peerId, utf8("and back"));
        assertThat(bytesUntil(cell, ours, oursId, "and back".length())).isEqualTo("and back");
        // One side closes (the binder, ours or the peer's): the other hears of it as an empty
        // frame from that connection.
        End closer = v.oursBinds() ? ours : peer;
        End other = v.oursBinds() ? peer : ours;
        closer.send(closer == ours ? oursId : peerId, new byte[0]);
        List<byte[]> m = cell.next(other);
        assertThat(m).hasSize(2);
        assertThat(m.get(0)).isEqualTo(other == ours ? oursId : peerId);
        assertThat(m.get(1)).as("a disconnect notice").isEmpty();
    }

    /** The [routing id, empty frame] a STREAM receives for a new connection; returns the id. */
    private static byte[] connectNotice(Cell cell, End end) {
        List<byte[]> m = cell.next(end);
        assertThat(m).as("%s's connect notice", end.who()).hasSize(2);
        assertThat(m.get(0)).as("routing id").isNotEmpty();
        assertThat(m.get(1)).as("a connect notice").isEmpty();
        return m.get(0);
    }

    /** Receives [id, bytes] at {@code end} until {@code length} bytes came (TCP may cut them up). */
    private static String bytesUntil(Cell cell, End end, byte[] id, int length) {
        StringBuilder got = new StringBuilder();
        while (got.length() < length) {
            List<byte[]> m = cell.next(end);
            assertThat(m).hasSize(2);
            assertThat(m.get(0)).isEqualTo(id);
            got.append(new String(m.get(1), StandardCharsets.UTF_8));
        }
        return got.toString();
    }
}
