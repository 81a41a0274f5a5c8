package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SCATTER and GATHER: PUSH/PULL for many threads, one frame per message, over every transport. */
class ScatterGatherTest extends SocketTestSupport {
    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("transportsAndVariants")
    void messagesArriveInOrder(String transport, int variant) {
        Socket scatter = socket(SocketType.SCATTER);
        Socket gather = socket(SocketType.GATHER);
        link(scatter, gather, transport, variant);
        for (int i = 0; i < 5; i++) {
            assertThat(scatter.send(Message.of("job-" + i))).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(gather.receiveString()).isEqualTo("job-" + i);
        }
    }

    /** SCATTER waits at a GATHER that does not read, as PUSH does, and loses nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc", "inproc"})
    void aScatterStopsAtTheHighWaterMarkAndLosesNothing(String transport) {
        Socket scatter = socket(SocketType.SCATTER);
        Socket gather = socket(SocketType.GATHER);
        scatter.options().sendHwm(5);
        gather.options().receiveHwm(5);
        link(scatter, gather, transport, 0);
        stopsAtTheHighWaterMarkAndLosesNothing(scatter, gather, Message::of);
    }

    @Test
    void twoGathersShareTheWork() {
        Socket scatter = socket(SocketType.SCATTER);
        String endpoint = scatter.bind("tcp://127.0.0.1:0");
        Socket a = socket(SocketType.GATHER);
        Socket b = socket(SocketType.GATHER);
        a.connect(endpoint);
        b.connect(endpoint);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> scatter.peers().size() == 2);
        for (int i = 0; i < 10; i++) {
            scatter.send("w" + i);
        }
        List<String> gotA = new ArrayList<>();
        List<String> gotB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            gotA.add(a.receiveString());
            gotB.add(b.receiveString());
        }
        assertThat(gotA).doesNotContainAnyElementsOf(gotB);
        assertThat(a.tryReceive()).isNull();
        assertThat(b.tryReceive()).isNull();
    }

    @Test
    void oneFrameAndOneDirection() {
        Socket scatter = socket(SocketType.SCATTER);
        Socket gather = socket(SocketType.GATHER);
        try (Message two = Message.of("a", "b")) {
            assertThatThrownBy(() -> scatter.send(two)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SCATTER");
        }
        assertThatThrownBy(() -> gather.send("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(scatter::tryReceive).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Eight threads send on one SCATTER, eight receive on one GATHER: each message exactly once, whole. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void eightThreadsPerSocketLoseDuplicateAndMixNothing(String transport) throws Exception {
        Socket scatter = socket(SocketType.SCATTER);
        Socket gather = socket(SocketType.GATHER);
        link(scatter, gather, transport, 0);
        manyThreads(List.of(scatter), List.of(gather), i -> i + ":" + "z".repeat(i % 30), Message::of, s -> false);
    }
}
