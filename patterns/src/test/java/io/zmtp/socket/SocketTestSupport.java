package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.provider.Arguments;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What the socket-type tests share: a context per test, sockets that give up after {@link #WAIT}
 * instead of hanging, fresh endpoints on every transport, and the bind/connect variants.
 */
abstract class SocketTestSupport {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final AtomicInteger NAMES = new AtomicInteger();
    ZmtpContext ctx;

    @BeforeEach
    void newContext() {
        ctx = new ZmtpContext();
    }

    @AfterEach
    void closeContext() {
        ctx.close();
    }

    /** A socket of {@code type} with no linger and send/receive time-outs of {@link #WAIT}. */
    Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis());
        return s;
    }

    /** Each transport with each variant: bit 0 set = the second socket binds, bit 1 set = connect first. */
    static Stream<Arguments> transportsAndVariants() {
        return Stream.of("tcp", "ipc", "inproc").flatMap(t -> IntStream.range(0, 4).mapToObj(v -> Arguments.of(t, v)));
    }

    /** Binds one of {@code a} and {@code b} and connects the other, as {@code variant} says (see above). */
    static void link(Socket a, Socket b, String transport, int variant) {
        Socket binder = (variant & 1) == 0 ? a : b;
        Socket connecter = binder == a ? b : a;
        String endpoint = freeEndpoint(transport);
        if ((variant & 2) != 0) {
            connecter.connect(endpoint);
            binder.bind(endpoint);
        } else {
            connecter.connect(binder.bind(endpoint));
        }
    }

    /** An endpoint on {@code transport} nobody uses yet, for a bind that may come after the connect. */
    static String freeEndpoint(String transport) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:" + freePort();
            case "ipc" -> "ipc://" + System.getProperty("java.io.tmpdir") + "/zmtp-test-" + ProcessHandle.current().pid()
                    + "-" + NAMES.incrementAndGet();
            case "inproc" -> "inproc://test-" + NAMES.incrementAndGet();
            default -> throw new IllegalArgumentException(transport);
        };
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
