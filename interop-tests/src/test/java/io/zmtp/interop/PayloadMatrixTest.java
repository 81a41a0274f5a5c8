package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Frame sizes and shapes on one pairing, PUSH-PULL over tcp, in both directions: our PUSH
 * (connecting) to the peer's PULL (bound), and the peer's PUSH (connecting) to our PULL (bound).
 * Each payload is followed by a small marker message, so a framing slip after it shows too.
 */
class PayloadMatrixTest {
    @RegisterExtension
    static final Matrix MATRIX = new Matrix("Payloads (PUSH-PULL, tcp)");

    /** A named payload: the frames of one message. */
    record Payload(String name, List<byte[]> frames) {
    }

    static List<Payload> payloads() {
        List<Payload> out = new ArrayList<>();
        out.add(new Payload("empty frame", List.of(new byte[0])));
        out.add(new Payload("1 byte", List.of(random(1, 1))));
        out.add(new Payload("255 bytes (largest short frame)", List.of(random(255, 2))));
        out.add(new Payload("256 bytes (smallest long frame)", List.of(random(256, 3))));
        out.add(new Payload("64 KiB", List.of(random(64 * 1024, 4))));
        out.add(new Payload("8 MiB", List.of(random(8 * 1024 * 1024, 5))));
        List<byte[]> multipart = new ArrayList<>();
        int[] sizes = {0, 1, 2, 254, 255, 256, 257, 0, 1000, 65_535, 65_536, 3, 0, 300, 128, 127, 4096, 1, 0, 77};
        for (int i = 0; i < sizes.length; i++) {
            multipart.add(random(sizes[i], 100 + i));
        }
        out.add(new Payload("20-frame multipart", multipart));
        byte[] every = new byte[512];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
            every[511 - i] = (byte) i;
        }
        out.add(new Payload("every byte value 0x00-0xff", List.of(every, new byte[] {0, (byte) 0xff, 0x01, 0x00})));
        return out;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @TestFactory
    Stream<DynamicContainer> payloadMatrix() {
        List<Payload> all = payloads();
        return MATRIX.perPeer(kind -> all.stream().flatMap(p -> Stream.of(
                MATRIX.cell(p.name() + " | ours PUSH -> peer PULL", kind, Transport.TCP, cell -> oursToPeer(cell, p)),
                MATRIX.cell(p.name() + " | peer PUSH -> ours PULL", kind, Transport.TCP, cell -> peerToOurs(cell, p)))));
    }

    private static void oursToPeer(Cell cell, Payload p) {
        Peer pull = cell.peer("PULL");
        OurEnd push = cell.ours(SocketType.PUSH);
        cell.link(pull, push);
        transfer(cell, push, pull, p);
    }

    private static void peerToOurs(Cell cell, Payload p) {
        OurEnd pull = cell.ours(SocketType.PULL);
        Peer push = cell.peer("PUSH");
        cell.link(pull, push);
        transfer(cell, push, pull, p);
    }

    private static void transfer(Cell cell, End from, End to, Payload p) {
        from.send(p.frames());
        from.send("after " + p.name());
        cell.expectBytes(to, p.frames());
        cell.expect(to, "after " + p.name());
    }
}
