package io.zmtp.bench.jmh;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every benchmark method a few times directly, not through the JMH runner, so CI checks
 * they start, return what they say and release their buffers (the leak check runs after the
 * class); and checks the annotation processor listed them. Never measures anything.
 */
class JmhBenchmarksSmokeTest {
    /** JMH's own sink, made outside a run the way JMH allows (it asks for this acknowledgement). */
    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void annotationProcessorListedTheBenchmarks() throws IOException {
        String list;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertNotNull(in, "META-INF/BenchmarkList is missing: JMH's annotation processor did not run");
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String method : new String[] {
                "FrameEncodeBenchmark.encode", "FrameEncodeBenchmark.encodeBatched", "FrameEncodeBenchmark.messageOnly",
                "FrameDecodeBenchmark.decode", "FrameDecodeBenchmark.decodeBatched",
                "MultipartBenchmark.encode20", "MultipartBenchmark.decode20",
                "SubscriptionTrieBenchmark.matchHit", "SubscriptionTrieBenchmark.matchMiss",
                "RoutingBenchmark.loadBalancerNext", "RoutingBenchmark.roundRobinNextHalfReady"}) {
            // A line per method: "... io.zmtp.bench.jmh.<Class> S <n> ...<Class>_<method>_jmhTest S <n> <method> ..."
            String cls = method.substring(0, method.indexOf('.'));
            String name = method.substring(method.indexOf('.') + 1);
            assertTrue(list.lines().anyMatch(l -> l.contains(" io.zmtp.bench.jmh." + cls + " ")
                    && l.contains(" " + name.length() + " " + name + " ")), method);
        }
    }

    @Test
    void frameEncode() {
        for (int size : new int[] {16, 1024, 65536}) {
            FrameEncodeBenchmark b = new FrameEncodeBenchmark();
            b.size = size;
            b.setUp();
            try {
                int header = size > 255 ? 9 : 2;
                for (int i = 0; i < 3; i++) {
                    assertEquals(header + size, b.encode());
                    assertEquals((long) FrameEncodeBenchmark.BATCH * (header + size), b.encodeBatched());
                    assertEquals(FrameEncodeBenchmark.BATCH, b.messageOnly(BLACKHOLE));
                }
            } finally {
                b.tearDown();
            }
        }
    }

    @Test
    void frameDecode() {
        for (int size : new int[] {16, 1024, 65536}) {
            FrameDecodeBenchmark b = new FrameDecodeBenchmark();
            b.size = size;
            b.setUp();
            try {
                for (int i = 0; i < 3; i++) {
                    assertEquals(1, b.decode());
                    assertEquals(FrameDecodeBenchmark.BATCH, b.decodeBatched());
                }
            } finally {
                b.tearDown();
            }
        }
    }

    @Test
    void multipart() {
        MultipartBenchmark b = new MultipartBenchmark();
        b.frameSize = 16;
        b.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(MultipartBenchmark.FRAMES * (2 + 16), b.encode20());
                assertEquals(1, b.decode20());
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void subscriptionTrie() {
        for (int n : new int[] {10, 10_000}) {
            SubscriptionTrieBenchmark b = new SubscriptionTrieBenchmark();
            b.subscriptions = n;
            b.setUp();
            // A hit visits the topic's holder and the catch-all's; a miss visits nobody.
            assertEquals(2, b.matchHit());
            assertEquals(2, b.matchMiss());
            assertEquals(4, b.matchHit());
        }
    }

    @Test
    void routing() {
        RoutingBenchmark b = new RoutingBenchmark();
        b.peers = 16;
        b.setUp();
        var first = b.loadBalancerNext();
        for (int i = 1; i < 16; i++) {
            assertNotNull(b.loadBalancerNext());
        }
        assertSame(first, b.loadBalancerNext(), "the load balancer comes back to the first pipe after 16");
        RoutingBenchmark.Peer p = b.roundRobinNextHalfReady();
        assertTrue(p.ready);
        assertTrue(b.roundRobinNextHalfReady().ready);
    }
}
