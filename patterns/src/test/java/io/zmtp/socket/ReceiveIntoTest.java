package io.zmtp.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Sub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Receiving into the caller's own message ({@link Socket#receive(Message)}, libzmq's
 * {@code zmq_msg_recv}): the socket moves the received frames into it and takes its small body
 * buffers back to copy later bodies into. What must hold: every message arrives whole and in
 * order whatever the sizes (buffers reused only where the body fits), a frame the caller retained
 * is never written again, pooled frames of the message are released, and the calls refuse a sent
 * message and leave the message alone on a time-out.
 */
class ReceiveIntoTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    private String endpoint(String transport) {
        return transport.equals("tcp") ? "tcp://127.0.0.1:*" : "inproc://receive-into-" + System.nanoTime();
    }

    /** Message {@code i}: its number, then bytes up to a size that cycles from 0 to 1,500 (over the reuse limit). */
    private static byte[] body(int i) {
        int size = 4 + (i * 37) % 1_500;
        ByteBuffer b = ByteBuffer.allocate(size).putInt(i);
        for (int k = 4; k < size; k++) {
            b.put((byte) (i + k));
        }
        return b.array();
    }

    private static void assertBody(ByteBuf frame, int i) {
        byte[] want = body(i);
        assertThat(frame.readableBytes()).as("size of message %d", i).isEqualTo(want.length);
        byte[] got = new byte[want.length];
        frame.getBytes(frame.readerIndex(), got);
        assertThat(got).as("message %d", i).isEqualTo(want);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void everyMessageArrivesWholeAndInOrderIntoOneMessage(String transport) throws Exception {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        push.connect(pull.bind(endpoint(transport)));
        int count = 5_000;
        Thread sender = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                Message m = Message.of(body(i));
                if (i % 7 == 0) {
                    m.add("tail " + i);
                }
                push.send(m);
            }
        }, "receive-into sender");
        sender.start();
        Message into = new Message();
        for (int i = 0; i < count; i++) {
            assertThat(pull.receive(into)).as("message %d arrived", i).isTrue();
            assertBody(into.frame(0), i);
            if (i % 7 == 0) {
                assertThat(into.size()).isEqualTo(2);
                assertThat(into.string(1)).isEqualTo("tail " + i);
            } else {
                assertThat(into.size()).isEqualTo(1);
            }
        }
        into.close();
        sender.join(WAIT.toMillis());
    }

    @Test
    void theDecoderCopiesSmallBodiesIntoBuffersTheMessageGaveBack() throws Exception {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        push.connect(pull.bind("tcp://127.0.0.1:*"));
        int count = 20_000;
        Thread sender = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                push.send(Message.of(ByteBuffer.allocate(100).putInt(i).array()));
            }
        }, "receive-into sender");
        sender.start();
        Set<ByteBuf> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
        Message into = new Message();
        for (int i = 0; i < count; i++) {
            assertThat(pull.receive(into)).as("message %d arrived", i).isTrue();
            assertThat(into.frame(0).getInt(into.frame(0).readerIndex())).isEqualTo(i);
            buffers.add(into.frame(0));
        }
        into.close();
        sender.join(WAIT.toMillis());
        // Nothing comes back before as many messages as can be on their way at once were read (the
        // ring's 1,024 and a peer's queue of RCVHWM, 1,000); after that, the same buffers go round.
        assertThat(buffers.size()).isLessThan(count / 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void aFrameTheCallerRetainedIsNeverWrittenAgain(String transport) {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        push.connect(pull.bind(endpoint(transport)));
        int count = 3_000;
        for (int i = 0; i < count; i++) {
            push.send(Message.of(ByteBuffer.allocate(16).putInt(i).putLong(-i).array()));
        }
        Message into = new Message();
        assertThat(pull.receive(into)).isTrue();
        ByteBuf kept = into.frame(0).retain();
        byte[] before = new byte[kept.readableBytes()];
        kept.getBytes(kept.readerIndex(), before);
        for (int i = 1; i < count; i++) {
            assertThat(pull.receive(into)).isTrue();
            assertThat(into.frame(0).getInt(into.frame(0).readerIndex())).isEqualTo(i);
        }
        byte[] after = new byte[kept.readableBytes()];
        kept.getBytes(kept.readerIndex(), after);
        assertThat(after).isEqualTo(before);
        assertThat(kept.getInt(kept.readerIndex())).isZero();
        kept.release();
        into.close();
    }

    /**
     * Over inproc a PULL's messages travel as the sender's own objects (lent), and the receiving
     * side makes them its own: every way of receiving gets a message the sender does not hold,
     * whose close releases the frame.
     */
    @Test
    void overInprocEveryWayOfReceivingGetsAMessageOfItsOwn() throws Exception {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        push.connect(pull.bind(endpoint("inproc")));

        ByteBuf first = pooled("first");
        Message sentFirst = Message.of(first);
        push.send(sentFirst);
        Message got = pull.receive();
        assertThat(got).isNotSameAs(sentFirst);
        assertThat(got.strings()).containsExactly("first");
        sentFirst.close();
        assertThat(first.refCnt()).isEqualTo(1);
        got.close();
        assertThat(first.refCnt()).isZero();

        CompletableFuture<Message> later = pull.receiveAsync();
        ByteBuf second = pooled("second");
        Message sentSecond = Message.of(second);
        push.send(sentSecond);
        Message gotLater = later.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(gotLater).isNotSameAs(sentSecond);
        assertThat(gotLater.strings()).containsExactly("second");
        gotLater.close();
        assertThat(second.refCnt()).isZero();

        ByteBuf third = pooled("third");
        Message sentThird = Message.of(third);
        push.send(sentThird);
        Message into = new Message();
        assertThat(pull.receive(into)).isTrue();
        assertThat(into.frame(0)).isSameAs(third);
        sentThird.close();
        assertThat(third.refCnt()).isEqualTo(1);
        into.close();
        assertThat(third.refCnt()).isZero();
    }

    private static ByteBuf pooled(String text) {
        return PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pooledFramesOfTheMessageAreReleased() {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        push.connect(pull.bind("tcp://127.0.0.1:*"));
        push.send("one");
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes("mine".getBytes(StandardCharsets.UTF_8));
        Message into = Message.of(pooled);
        assertThat(pull.receive(into)).isTrue();
        assertThat(pooled.refCnt()).isZero();
        assertThat(into.strings()).containsExactly("one");
        into.close();
    }

    @Test
    void aTimeOutLeavesTheMessageAsItWas() {
        Socket pull = socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        Message into = Message.of("still here");
        assertThat(pull.tryReceive(into)).isFalse();
        assertThat(pull.receive(into, Duration.ofMillis(20))).isFalse();
        assertThat(into.strings()).containsExactly("still here");
        into.close();
    }

    @Test
    void aSentMessageIsRefusedAndAClosedOneTakesTheNext() {
        Socket pull = socket(SocketType.PULL);
        Socket push = socket(SocketType.PUSH);
        push.connect(pull.bind("tcp://127.0.0.1:*"));
        Message sent = Message.of("first");
        push.send(sent);
        assertThatThrownBy(() -> pull.receive(sent)).isInstanceOf(IllegalStateException.class);
        Message closed = Message.of("old");
        closed.close();
        assertThat(pull.receive(closed)).isTrue();
        assertThat(closed.strings()).containsExactly("first");
        closed.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void reqAndRepBothReceiveIntoTheirOwnMessage(String transport) {
        Socket rep = socket(SocketType.REP);
        Socket req = socket(SocketType.REQ);
        req.connect(rep.bind(endpoint(transport)));
        Message atRep = new Message();
        Message atReq = new Message();
        for (int i = 0; i < 2_000; i++) {
            req.send("ask " + i);
            assertThat(rep.receive(atRep)).isTrue();
            assertThat(atRep.strings()).containsExactly("ask " + i);
            rep.send("answer " + i);
            assertThat(req.receive(atReq)).isTrue();
            assertThat(atReq.strings()).containsExactly("answer " + i);
        }
        atRep.close();
        atReq.close();
    }

    @Test
    void eachSubscriberGetsItsOwnCopyOfAMessageSentOnce() {
        Socket pub = socket(SocketType.PUB);
        String endpoint = pub.bind(endpoint("inproc"));
        Sub[] subs = {ctx.socket(SocketType.SUB, Sub.class), ctx.socket(SocketType.SUB, Sub.class)};
        for (Sub sub : subs) {
            sub.options().linger(0);
            sub.subscribe("");
            sub.connect(endpoint);
        }
        Message[] into = {new Message(), new Message()};
        // A subscription reaches the publisher after the connect returns: publish until both have one.
        int sent = 0;
        boolean[] got = new boolean[2];
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(got[0] && got[1]) && System.nanoTime() < deadline) {
            pub.send(Message.of(Unpooled.copiedBuffer("n" + sent++, StandardCharsets.UTF_8)));
            for (int k = 0; k < 2; k++) {
                got[k] |= subs[k].receive(into[k], Duration.ofMillis(20));
            }
        }
        assertThat(got).containsExactly(true, true);
        pub.send("after");
        for (int k = 0; k < 2; k++) {
            String last = null;
            while (subs[k].receive(into[k], WAIT)) {
                last = into[k].string(0);
                if (last.equals("after")) {
                    break;
                }
            }
            assertThat(last).isEqualTo("after");
            into[k].close();
        }
    }
}
