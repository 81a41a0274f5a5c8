package io.zmtp.socket;

import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.zmtp.codec.SocketType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sends routed and written on the sending thread while the loop sleeps (see {@link LoopPermit}):
 * they interleave with sends the loop batches, with heartbeats the loop writes, and with bytes the
 * socket could not take at once, and the peer still gets every message whole and in order.
 */
class CallerSendsTest {
    private static void assumeLends(IoBackend io) {
        if (io == IoBackend.EPOLL && !"true".equals(System.getenv("CI"))) {
            assumeTrue(Epoll.isAvailable(), "epoll unavailable here");
        }
        assumeTrue(io.isAvailable(), io + " is not available here");
    }

    /** Message {@code i}: its number, then a body whose size and bytes follow from it. */
    private static Message numbered(int i) {
        int size = switch (i % 5) {
            case 0 -> 16;
            case 1 -> 1_000;
            case 2 -> 5_000;       // copied whole by a send routed here
            case 3 -> 20_000;      // always through the loop
            default -> 200;
        };
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) i);
        return Message.of(Unpooled.copyInt(i), Unpooled.wrappedBuffer(body));
    }

    private static void assertNumbered(Message m, int i) {
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.frame(0).getInt(m.frame(0).readerIndex())).as("message number").isEqualTo(i);
        Message expected = numbered(i);
        assertThat(m.frame(1).readableBytes()).isEqualTo(expected.frame(1).readableBytes());
        assertThat(m.frame(1)).isEqualTo(expected.frame(1));
        expected.close();
    }

    @ParameterizedTest
    @EnumSource(value = IoBackend.class, names = {"NIO", "EPOLL"})
    void pausedAndStreamedSendsArriveInOrderPastHeartbeatsAndAFullSocket(IoBackend io) throws Exception {
        assumeLends(io);
        int count = 6_000;
        // A context each, as two processes would be: the sender's loop sleeps while it pauses.
        try (ZmtpContext sending = new ZmtpContext(1, io); ZmtpContext receiving = new ZmtpContext(1, io)) {
            assertThat(sending.permitFor(sending.nextLoop())).as("the loops lend their permits").isNotNull();
            // DEALERs: the reader answers now and then, and a send that follows a receive may be
            // routed on the sending thread.
            Socket pull = receiving.socket(SocketType.DEALER);
            // PINGs every 5 ms, PONGs in reply, written by the loops between messages (with long
            // time-outs: a reader that stops reading answers no PING).
            pull.options().linger(0).receiveTimeout(20_000).receiveHwm(10).heartbeatIvl(5).heartbeatTimeout(60_000).heartbeatTtl(60_000);
            String ep = pull.bind("tcp://127.0.0.1:*");
            Socket push = sending.socket(SocketType.DEALER);
            push.options().linger(0).sendTimeout(20_000).heartbeatIvl(5).heartbeatTimeout(60_000).heartbeatTtl(60_000);
            push.connect(ep);
            // Wait for the peer, so the first sends find a pipe.
            push.send(Message.of("hello"));
            try (Message m = pull.receive()) {
                assertThat(m.string(0)).isEqualTo("hello");
            }
            AtomicInteger sent = new AtomicInteger();
            Thread sender = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    if (i % 3 == 0) {
                        // A pause, then the reader's answers: the next send may be routed on this
                        // thread (while the reader keeps up, the loop sleeps through the longer
                        // pauses of the first quarter).
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(i < count / 4 ? 1_000 : 200));
                        Message tick;
                        while ((tick = push.tryReceive()) != null) {
                            tick.close();
                        }
                    }
                    push.send(numbered(i));
                    sent.incrementAndGet();
                }
            }, "sender");
            sender.start();
            for (int i = 0; i < count; i++) {
                if (i == count / 4) {
                    // Stop reading until the connection is full: the PULL stops reading at its HWM,
                    // the sender's socket fills, and sends routed on its thread find bytes still
                    // unwritten (carried for the loop) or a connection that takes no more (queued in
                    // the pipe for the loop).
                    await().atMost(Duration.ofSeconds(20)).until(() -> !sender.isAlive()
                            || push.peers().stream().anyMatch(p -> p.outboundDepth() > 0));
                }
                try (Message m = pull.receive()) {
                    assertThat(m).as("message %d", i).isNotNull();
                    assertNumbered(m, i);
                }
                if (i % 3 == 2) {
                    pull.send(Message.of("tick"));
                }
            }
            sender.join(20_000);
            assertThat(sent.get()).isEqualTo(count);
            long here = LoopCall.read(push.loop, push.outbound::routedHere, "routed here");
            assertThat(here).as("sends routed on the sending thread").isGreaterThan(50);
            push.close();
            pull.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IoBackend.class, names = {"NIO", "EPOLL"})
    void requestsAndRepliesAreRoutedOnTheirThreads(IoBackend io) throws Exception {
        assumeLends(io);
        try (ZmtpContext serving = new ZmtpContext(1, io); ZmtpContext asking = new ZmtpContext(1, io)) {
            Socket rep = serving.socket(SocketType.REP);
            rep.options().linger(0).receiveTimeout(10_000);
            String ep = rep.bind("tcp://127.0.0.1:*");
            Socket req = asking.socket(SocketType.REQ);
            req.options().linger(0).receiveTimeout(10_000);
            req.connect(ep);
            int rounds = 300;
            Thread server = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    try (Message m = rep.receive()) {
                        rep.send(Message.of("re: " + m.string(0)));
                    }
                }
            }, "server");
            server.start();
            for (int i = 0; i < rounds; i++) {
                // A pause, as between an application's requests: the REQ's loop is asleep by then.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                req.send(Message.of("q" + i));
                try (Message m = req.receive()) {
                    assertThat(m.string(0)).isEqualTo("re: q" + i);
                }
            }
            server.join(10_000);
            assertThat(LoopCall.read(req.loop, req.outbound::routedHere, "routed here")).isGreaterThan(rounds / 2);
            // A reply follows its request at once; the REP's loop, which just handed the request
            // over, is often still awake then, and the reply goes through it.
            assertThat(LoopCall.read(rep.loop, rep.outbound::routedHere, "routed here")).isGreaterThan(rounds / 10);
            req.close();
            rep.close();
        }
    }
}
