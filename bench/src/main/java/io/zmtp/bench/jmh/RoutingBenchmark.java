package io.zmtp.bench.jmh;

import io.zmtp.socket.pipe.Pipe;
import io.zmtp.socket.routing.LoadBalancer;
import io.zmtp.socket.routing.RoundRobin;
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

import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;

/**
 * Choosing the next peer: {@link LoadBalancer#next} over {@code peers} pipes that all have room
 * (PUSH, DEALER, REQ sending), and {@link RoundRobin#next} where only every other peer qualifies
 * (a fair queue where half the peers have a message waiting).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoutingBenchmark {
    @Param({"1", "16"})
    public int peers;

    /** A peer of the round robin: whether it qualifies is fixed at set-up. */
    static final class Peer {
        final boolean ready;

        Peer(boolean ready) {
            this.ready = ready;
        }
    }

    private static final Predicate<Peer> READY = p -> p.ready;

    private LoadBalancer loadBalancer;
    private RoundRobin<Peer> roundRobin;

    @Setup
    public void setUp() {
        loadBalancer = new LoadBalancer();
        roundRobin = new RoundRobin<>();
        for (int i = 0; i < peers; i++) {
            loadBalancer.attach(new Pipe(true, "tcp://127.0.0.1:" + (5000 + i), 1000, 1000));
            roundRobin.add(new Peer(i % 2 == 0));
        }
    }

    /** The load balancer's next pipe with room to send. */
    @Benchmark
    public Pipe loadBalancerNext() {
        return loadBalancer.next();
    }

    /** The round robin's next qualifying peer, skipping the ones that do not qualify. */
    @Benchmark
    public Peer roundRobinNextHalfReady() {
        return roundRobin.next(READY);
    }
}
