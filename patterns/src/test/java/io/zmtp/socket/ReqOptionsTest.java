package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** REQ's state machine, REQ_RELAXED and REQ_CORRELATE, seen from a ROUTER that shows the wire frames. */
class ReqOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private ZmtpContext ctx;
    private Socket router;

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext();
        router = ctx.socket(SocketType.ROUTER);
        router.options().linger(0).receiveTimeout(WAIT.toMillis());
        router.bind("tcp://127.0.0.1:*");
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private Socket req() {
        Socket req = ctx.socket(SocketType.REQ);
        req.options().linger(0).receiveTimeout(WAIT.toMillis());
        return req;
    }

    private static List<byte[]> frames(Message m) {
        assertThat(m).isNotNull();
        try (m) {
            List<byte[]> out = new java.util.ArrayList<>();
            for (int i = 0; i < m.size(); i++) {
                out.add(m.bytes(i));
            }
            return out;
        }
    }

    @Test
    void strictReqRefusesOutOfOrderCalls() {
        Socket req = req();
        req.connect("tcp://127.0.0.1:" + router.boundPort());
        assertThatThrownBy(req::receive).isInstanceOf(IllegalStateException.class).hasMessageContaining("EFSM");
        req.send(Message.of("one"));
        assertThatThrownBy(() -> req.send(Message.of("two"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("EFSM");
    }

    @Test
    void relaxedReqMaySendAgainBeforeTheReply() {
        Socket req = req();
        req.options().reqRelaxed(true);
        req.connect("tcp://127.0.0.1:" + router.boundPort());
        req.send(Message.of("first"));
        List<byte[]> first = frames(router.receive());
        req.send(Message.of("second"));
        List<byte[]> second = frames(router.receive());
        assertThat(new String(second.get(2))).isEqualTo("second");
        assertThat(new String(first.get(2))).isEqualTo("first");
        // Without REQ_CORRELATE a reply carries nothing that says which request it answers (as in
        // libzmq), so this test answers only the newest; the correlated test covers stale replies.
        router.send(Message.of(second.get(0), new byte[0], "reply-to-second".getBytes()));
        try (Message m = req.receive()) {
            assertThat(m.string(0)).isEqualTo("reply-to-second");
        }
    }

    @Test
    void correlatedReqTagsRequestsAndSkipsRepliesWithTheWrongId() {
        Socket req = req();
        req.options().reqCorrelate(true).reqRelaxed(true);
        req.connect("tcp://127.0.0.1:" + router.boundPort());
        req.send(Message.of("q"));
        List<byte[]> wire = frames(router.receive());
        // [routing id][4-byte request id][empty][body]
        assertThat(wire).hasSize(4);
        assertThat(wire.get(1)).hasSize(4);
        assertThat(wire.get(2)).isEmpty();
        byte[] wrongId = wire.get(1).clone();
        wrongId[0] ^= 1;
        router.send(Message.of(wire.get(0), wrongId, new byte[0], "stale".getBytes()));
        router.send(Message.of(wire.get(0), wire.get(1), new byte[0], "fresh".getBytes()));
        try (Message m = req.receive()) {
            assertThat(m.strings()).containsExactly("fresh");
        }
    }

    @Test
    void textConveniencesRoundTrip() {
        Socket req = req();
        Socket rep = ctx.socket(SocketType.REP);
        rep.options().linger(0).receiveTimeout(WAIT.toMillis());
        rep.bind("tcp://127.0.0.1:*");
        req.connect("tcp://127.0.0.1:" + rep.boundPort());
        assertThat(req.send("ping")).isTrue();
        assertThat(rep.receiveString()).isEqualTo("ping");
        assertThat(rep.send("pong")).isTrue();
        assertThat(req.receiveString()).isEqualTo("pong");
    }
}
