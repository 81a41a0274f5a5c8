package io.zmtp.testing;

import io.zmtp.testing.FaultRelay.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Each fault of {@link FaultRelay}, seen by a plain TCP client through the relay to an echo server. */
class FaultRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private EchoServer echo;
    private FaultRelay relay;

    @BeforeEach
    void setUp() throws IOException {
        echo = new EchoServer();
        relay = new FaultRelay(echo.address());
    }

    @AfterEach
    void tearDown() throws IOException {
        relay.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5000);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Reads until {@code n} bytes or the end of the stream; returns what was read. */
    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (out.size() < n) {
            int r = in.read(buf, 0, Math.min(buf.length, n - out.size()));
            if (r < 0) {
                break;
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    @Test
    void withoutFaultsBytesPassUnchangedBothWays() throws IOException {
        byte[] data = random(300_000);
        try (Socket s = connect()) {
            s.getOutputStream().write(data);
            assertThat(readUpTo(s.getInputStream(), data.length)).isEqualTo(data);
        }
        // The relay counts a chunk after writing it on: the reader may have it first.
        await().atMost(WAIT).until(() -> relay.forwarded(Direction.UPSTREAM) == data.length
                && relay.forwarded(Direction.DOWNSTREAM) == data.length);
    }

    @Test
    void delayAddsLatencyEachWay() throws IOException {
        relay.delay(Duration.ofMillis(150));
        try (Socket s = connect()) {
            long start = System.nanoTime();
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);
            // One chunk up, one chunk down: at least twice the delay.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            // Switched off, bytes still pass (no upper time bound asserted: a loaded machine may be slow).
            relay.delay(Duration.ZERO);
            s.getOutputStream().write(2);
            assertThat(s.getInputStream().read()).isEqualTo(2);
        }
    }

    @Test
    void throttleCapsTheRate() throws IOException {
        int rate = 100_000;
        relay.throttle(rate);
        byte[] data = random(150_000);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            s.getOutputStream().write(data);
            assertThat(readUpTo(s.getInputStream(), data.length)).isEqualTo(data);
            // 150 kB at 100 kB/s per direction: at least 1 s, less the 50 ms of burst a pump may take.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        }
    }

    @Test
    void freezeHoldsBytesAndKeepsTheConnectionUntilThawed() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(random(10));
            assertThat(readUpTo(s.getInputStream(), 10)).hasSize(10);
            relay.freeze();
            byte[] data = random(50_000);
            s.getOutputStream().write(data);
            s.setSoTimeout(500);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(echo.received()).isEqualTo(10);
            assertThat(relay.connections()).isEqualTo(1);
            relay.thaw();
            s.setSoTimeout((int) WAIT.toMillis());
            assertThat(readUpTo(s.getInputStream(), data.length)).isEqualTo(data);
            assertThat(relay.accepted()).isEqualTo(1);
        }
    }

    @Test
    void cutDownstreamDeliversExactlyTheBytesBeforeIt() throws IOException {
        relay.cutAfter(Direction.DOWNSTREAM, 1_234);
        byte[] data = random(10_000);
        try (Socket s = connect()) {
            s.getOutputStream().write(data);
            byte[] got = readUpTo(s.getInputStream(), data.length);
            assertThat(got).hasSize(1_234);
            assertThat(got).isEqualTo(java.util.Arrays.copyOf(data, 1_234));
        }
        assertThat(relay.cuts()).isEqualTo(1);
        assertThat(relay.cutPending()).isFalse();
        await().atMost(WAIT).until(() -> echo.endings().size() == 1);
    }

    @Test
    void cutUpstreamLetsTheTargetSeeExactlyTheBytesBeforeIt() throws IOException {
        relay.cutAfter(Direction.UPSTREAM, 777);
        byte[] data = random(10_000);
        try (Socket s = connect()) {
            s.getOutputStream().write(data);
            byte[] got = readUpTo(s.getInputStream(), data.length);
            assertThat(got.length).isLessThanOrEqualTo(777);
        }
        await().atMost(WAIT).until(() -> echo.endings().size() == 1);
        assertThat(echo.received()).isEqualTo(777);
        assertThat(relay.forwarded(Direction.UPSTREAM)).isEqualTo(777);
    }

    @Test
    void resetSendsRstBothWaysAndNewConnectionsStillWork() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(random(100));
            assertThat(readUpTo(s.getInputStream(), 100)).hasSize(100);
            assertThat(relay.reset()).isEqualTo(1);
            // An RST, not an orderly close: the read fails instead of returning -1.
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        await().atMost(WAIT).until(() -> echo.endings().size() == 1);
        assertThat(echo.endings().get(0)).contains("reset");
        assertThat(relay.resets()).isEqualTo(1);
        try (Socket s = connect()) {
            s.getOutputStream().write(random(100));
            assertThat(readUpTo(s.getInputStream(), 100)).isEqualTo(random(100));
        }
    }
}
