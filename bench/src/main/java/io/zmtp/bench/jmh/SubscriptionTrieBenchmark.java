package io.zmtp.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.socket.routing.SubscriptionTrie;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/**
 * {@link SubscriptionTrie#match}: the publisher's per-message filter, with {@code subscriptions}
 * topics ({@code "md.<venue>.<number>"}) held by {@value #SUBSCRIBERS} subscribers. A hit is a
 * message whose first frame starts with one of the topics (plus a catch-all prefix
 * {@code "md."} held by one subscriber, so two subscribers are visited); a miss starts with no
 * held prefix at all.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SubscriptionTrieBenchmark {
    static final int SUBSCRIBERS = 8;
    private static final String[] VENUES = {"xnys", "xnas", "xlon", "xpar", "xetr", "xtks", "xhkg", "xasx"};

    @Param({"10", "10000"})
    public int subscriptions;

    private SubscriptionTrie<Object> trie;
    private ByteBuf hit;
    private ByteBuf miss;
    private long visited;
    private final Consumer<Object> visitor = subscriber -> visited++;

    static String topic(int i) {
        return "md." + VENUES[i % VENUES.length] + "." + String.format("%06d", i);
    }

    @Setup
    public void setUp() {
        trie = new SubscriptionTrie<>();
        Object[] subscribers = new Object[SUBSCRIBERS];
        for (int i = 0; i < SUBSCRIBERS; i++) {
            subscribers[i] = new Object();
        }
        for (int i = 0; i < subscriptions; i++) {
            trie.add(topic(i).getBytes(StandardCharsets.US_ASCII), subscribers[i % SUBSCRIBERS]);
        }
        trie.add("md.".getBytes(StandardCharsets.US_ASCII), subscribers[SUBSCRIBERS - 1]);
        hit = Unpooled.copiedBuffer(topic(subscriptions / 2) + " bid=101.25 ask=101.27", StandardCharsets.US_ASCII);
        miss = Unpooled.copiedBuffer("news.xnys.000001 headline", StandardCharsets.US_ASCII);
    }

    /** Matches a message that one topic and the catch-all hold; returns the subscribers visited so far. */
    @Benchmark
    public long matchHit() {
        trie.match(hit, visitor);
        return visited;
    }

    /** Matches a message no prefix holds; returns the subscribers visited so far. */
    @Benchmark
    public long matchMiss() {
        trie.match(miss, visitor);
        return visited;
    }
}
