package io.zmtp.socket.routing;

import io.zmtp.codec.ZmtpMessage;
import io.zmtp.socket.pipe.Pipe;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The routing strategies on their own, without sockets or connections. */
class RoundRobinTest {
    @Test
    void membersTakeTurnsAndIneligibleOnesAreSkipped() {
        RoundRobin<String> rr = new RoundRobin<>();
        rr.add("a");
        rr.add("b");
        rr.add("c");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(rr.next(x -> true));
        }
        assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
        assertThat(rr.next(x -> !x.equals("a"))).isEqualTo("b");
        assertThat(rr.next(x -> !x.equals("c"))).isEqualTo("a");
        assertThat(rr.next(x -> false)).isNull();
    }

    @Test
    void removalKeepsTheRotation() {
        RoundRobin<String> rr = new RoundRobin<>();
        for (String s : new String[] {"a", "b", "c", "d"}) {
            rr.add(s);
        }
        assertThat(rr.next(x -> true)).isEqualTo("a");
        assertThat(rr.next(x -> true)).isEqualTo("b");
        rr.remove("a"); // before the cursor
        assertThat(rr.next(x -> true)).isEqualTo("c");
        rr.remove("d"); // at the cursor
        assertThat(rr.next(x -> true)).isEqualTo("b");
        assertThat(rr.remove("zzz")).isFalse();
        rr.remove("b");
        rr.remove("c");
        assertThat(rr.next(x -> true)).isNull();
    }

    private static Pipe pipe(int hwm) {
        return new Pipe(true, "tcp://127.0.0.1:1", hwm, hwm);
    }

    @Test
    void loadBalancerSkipsFullPeersAndReturnsNullWhenAllAreFull() {
        LoadBalancer lb = new LoadBalancer();
        Pipe a = pipe(2);
        Pipe b = pipe(2);
        lb.attach(a);
        lb.attach(b);
        try {
            assertThat(lb.next()).isSameAs(a);
            a.enqueue(ZmtpMessage.ofStrings("1"));
            assertThat(lb.next()).isSameAs(b);
            b.enqueue(ZmtpMessage.ofStrings("2"));
            assertThat(lb.next()).isSameAs(a);
            a.enqueue(ZmtpMessage.ofStrings("3"));
            // a holds exactly its HWM of 2 now.
            assertThat(a.hasRoomOut()).isFalse();
            assertThat(lb.next()).isSameAs(b);
            b.enqueue(ZmtpMessage.ofStrings("4"));
            assertThat(lb.next()).isNull();
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void zeroHwmMeansNoLimit() {
        Pipe p = pipe(0);
        try {
            for (int i = 0; i < 5000; i++) {
                p.enqueue(ZmtpMessage.ofStrings("x"));
            }
            assertThat(p.hasRoomOut()).isTrue();
            assertThat(p.outboundDepth()).isEqualTo(5000);
        } finally {
            p.close();
        }
    }

    @Test
    void fairQueueDoesNotLetABusyPeerStarveAQuietOne() {
        FairQueue fq = new FairQueue();
        Pipe busy = pipe(0);
        Pipe quiet = pipe(0);
        fq.attach(busy);
        fq.attach(quiet);
        try {
            for (int i = 0; i < 100; i++) {
                busy.received(ZmtpMessage.ofStrings("busy"));
            }
            quiet.received(ZmtpMessage.ofStrings("quiet"));
            List<Pipe> order = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Pipe p = fq.next();
                order.add(p);
                p.poll().release();
            }
            assertThat(order).containsExactly(busy, quiet, busy);
            assertThat(fq.hasInbound()).isTrue();
        } finally {
            busy.close();
            quiet.close();
        }
        assertThat(fq.next()).isNull();
    }

    @Test
    void routingIdsAreGeneratedDistinctAndNotStolen() {
        RoutingIdTable table = new RoutingIdTable();
        Pipe a = pipe(1);
        Pipe b = pipe(1);
        byte[] id1 = table.generate();
        assertThat(id1).hasSize(5).startsWith(0);
        assertThat(table.register(id1, a)).isTrue();
        byte[] id2 = table.generate();
        assertThat(id2).isNotEqualTo(id1);
        assertThat(table.register(id1, b)).isFalse();
        table.unregister(id1, b);
        assertThat(table.lookup(id1)).isSameAs(a);
        table.unregister(id1, a);
        assertThat(table.lookup(id1)).isNull();
    }
}
