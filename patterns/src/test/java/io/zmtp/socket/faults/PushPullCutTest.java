package io.zmtp.socket.faults;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.testing.FaultRelay;
import io.zmtp.testing.FaultRelay.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PUSH -> PULL through a relay that cuts the connection in the middle of a frame, five times.
 * ZeroMQ's promise here: the PULL gets whole messages only, each one that was sent, in order and
 * at most once. Loss is allowed for the messages that were on the cut connection (written to it
 * but not yet received whole); those queued behind them in the PUSH's pipe go out on the next
 * connection. So each cut may lose at most one contiguous run of messages, and nothing else.
 */
class PushPullCutTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BODY = 3_000;
    private static final int CUTS = 5;
    private static final long MAX_MESSAGES = 1_000_000;

    private ZmtpContext ctx;
    private FaultRelay relay;
    private Socket pull;
    private Socket push;
    private final List<Long> received = new CopyOnWriteArrayList<>();
    private final List<String> broken = new CopyOnWriteArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopSending;
    private volatile boolean stopReceiving;

    @BeforeEach
    void setUp() throws Exception {
        ctx = new ZmtpContext(2);
        pull = ctx.socket(SocketType.PULL);
        relay = FaultRelay.to(pull.bind("tcp://127.0.0.1:*"));
        push = ctx.socket(SocketType.PUSH);
        push.options().linger(0).reconnectIvl(50).reconnectIvlMax(200);
        push.connect(relay.endpoint());
    }

    @AfterEach
    void tearDown() throws Exception {
        stopSending = true;
        stopReceiving = true;
        relay.close();
        ctx.close();
    }

    @Test
    void cutsMidFrameLoseOnlyWhatWasInFlightAndNeverDeliverPartsOrDuplicates() throws Exception {
        Thread receiver = new Thread(this::receive, "pull");
        Thread sender = new Thread(this::send, "push");
        receiver.start();
        sender.start();
        for (int k = 1; k <= CUTS; k++) {
            long seen = received.size();
            await().atMost(WAIT).until(() -> received.size() >= seen + 50);
            // Messages are about 3 kB on the wire: a cut this far on lands inside a frame.
            relay.cutAfter(Direction.UPSTREAM, 20_000 + 1_337L * k);
            int cut = k;
            await().atMost(WAIT).until(() -> relay.cuts() == cut);
        }
        stopSending = true;
        sender.join(WAIT.toMillis());
        assertThat(sender.isAlive()).isFalse();
        long last = sent.get() - 1;
        await().atMost(WAIT).until(() -> !received.isEmpty() && received.get(received.size() - 1) == last);
        stopReceiving = true;
        receiver.join(WAIT.toMillis());

        assertThat(broken).isEmpty();
        assertThat(new HashSet<>(received)).hasSameSizeAs(received);
        assertThat(received).isSorted().allMatch(seq -> seq >= 0 && seq <= last);
        assertThat(relay.accepted()).isEqualTo(CUTS + 1);
        assertThat(gaps(received)).as("runs of lost messages").isLessThanOrEqualTo(CUTS);
    }

    /** How many runs of consecutive numbers are missing (received is sorted and starts at 0 or later). */
    static int gaps(List<Long> seqs) {
        int runs = seqs.isEmpty() || seqs.get(0) == 0 ? 0 : 1;
        for (int i = 1; i < seqs.size(); i++) {
            if (seqs.get(i) != seqs.get(i - 1) + 1) {
                runs++;
            }
        }
        return runs;
    }

    private void send() {
        for (long seq = 0; seq < MAX_MESSAGES && !stopSending; seq++) {
            Message m = SequencedMessages.make(seq, BODY);
            if (!push.send(m, WAIT)) {
                m.close();
                broken.add("send of " + seq + " timed out");
                return;
            }
            sent.incrementAndGet();
        }
    }

    private void receive() {
        while (!stopReceiving) {
            try (Message m = pull.receive(Duration.ofMillis(100))) {
                if (m != null) {
                    received.add(SequencedMessages.check(m, BODY, 0));
                }
            } catch (RuntimeException e) {
                broken.add(e.getMessage());
            }
        }
    }
}
