package io.zmtp.socket.transport;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Endpoint;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.pipe.Pipe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A new scheme is one class: registered, it binds and connects like the built-in ones. */
class TransportRegistryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** {@code viatcp://host:port}: tcp under another name, counting what it is asked to do. */
    static final class ViaTcp implements Transport {
        private final TcpTransport tcp = new TcpTransport();
        final AtomicInteger binds = new AtomicInteger();
        final AtomicInteger connects = new AtomicInteger();

        @Override
        public String scheme() {
            return "viatcp";
        }

        @Override
        public Endpoint parse(String text) {
            return Endpoint.parse("tcp" + text.substring(scheme().length()));
        }

        @Override
        public Listener bind(TransportHost host, Endpoint endpoint) {
            binds.incrementAndGet();
            return tcp.bind(host, endpoint);
        }

        @Override
        public Dialer connect(TransportHost host, Endpoint endpoint, Pipe pipe) {
            connects.incrementAndGet();
            return tcp.connect(host, endpoint, pipe);
        }
    }

    @Test
    void aRegisteredSchemeCarriesARoundTripAndItsEvents() {
        ViaTcp via = new ViaTcp();
        TransportRegistry.register(via);
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            Socket rep = ctx.socket(SocketType.REP);
            List<SocketEvent.Type> seen = new CopyOnWriteArrayList<>();
            rep.addEventListener(e -> seen.add(e.type()));
            String bound = rep.bind("viatcp://127.0.0.1:*");
            Socket req = ctx.socket(SocketType.REQ);
            req.connect("viatcp://127.0.0.1:" + rep.boundPort());
            assertThat(req.send(Message.of("ping"), WAIT)).isTrue();
            try (Message m = rep.receive(WAIT)) {
                assertThat(m.string(0)).isEqualTo("ping");
            }
            assertThat(rep.send(Message.of("pong"), WAIT)).isTrue();
            try (Message m = req.receive(WAIT)) {
                assertThat(m.string(0)).isEqualTo("pong");
            }
            assertThat(bound).startsWith("tcp://127.0.0.1:");
            assertThat(via.binds).hasValue(1);
            assertThat(via.connects).hasValue(1);
            await().atMost(WAIT).until(() -> seen.contains(SocketEvent.Type.HANDSHAKE_SUCCEEDED));
            assertThat(seen).startsWith(SocketEvent.Type.LISTENING);
        }
    }

    @Test
    void anUnknownSchemeIsRefusedNamingTheEndpointAndTheSchemesThereAre() {
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            Socket s = ctx.socket(SocketType.DEALER);
            assertThatThrownBy(() -> s.bind("sctp://127.0.0.1:5555"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sctp://127.0.0.1:5555")
                    .hasMessageContaining("inproc, ipc, tcp");
        }
    }
}
