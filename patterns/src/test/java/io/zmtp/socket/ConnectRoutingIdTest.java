package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Router;
import io.zmtp.socket.type.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ZMQ_CONNECT_ROUTING_ID as libzmq documents it: the next connect's peer is known by the given id
 * (whatever it announces), routable as soon as connect returns, for that one connect; a taken id
 * is refused; STREAM's connection gets the id too.
 */
class ConnectRoutingIdTest extends SocketTestSupport {
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc", "inproc"})
    void aRouterAddressesTheServerItConnectsToByTheIdItChose(String transport) {
        Router server = (Router) socket(SocketType.ROUTER);
        server.options().identity(utf8("announced-name"));
        String endpoint = server.bind(freeEndpoint(transport));
        Router client = (Router) socket(SocketType.ROUTER);
        client.options().identity(utf8("client")).routerMandatory(true).connectRoutingId(utf8("server"));
        client.connect(endpoint);
        // Routable at once: the message waits in the peer's queue until the connection is up.
        assertThat(client.options().connectRoutingId()).as("the connect took it").isNull();
        assertThat(client.send(Message.of("server", "hello"))).isTrue();
        assertThat(strings(server.receive())).containsExactly("client", "hello");
        server.send(Message.of("client", "welcome"));
        assertThat(strings(client.receive())).as("the peer's announced name is not used")
                .containsExactly("server", "welcome");
        assertThat(client.hasPeer(utf8("announced-name"))).isFalse();
    }

    @Test
    void theIdAppliesToOneConnectAndATakenOneIsRefused() {
        Router a = (Router) socket(SocketType.ROUTER);
        Router b = (Router) socket(SocketType.ROUTER);
        String ea = a.bind("tcp://127.0.0.1:0");
        String eb = b.bind("tcp://127.0.0.1:0");
        Router client = (Router) socket(SocketType.ROUTER);
        client.options().connectRoutingId(utf8("first"));
        client.connect(ea);
        client.options().connectRoutingId(utf8("first"));
        assertThatThrownBy(() -> client.connect(eb)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CONNECT_ROUTING_ID").hasMessageContaining("another peer");
        assertThat(client.options().connectRoutingId()).as("the refused connect took it too").isNull();
        // A connect without the option: the peer is known by what it announces (nothing: a generated id).
        client.connect(eb);
        client.send(Message.of("first", "to a"));
        assertThat(strings(a.receive()).get(1)).isEqualTo("to a");
    }

    @Test
    void badValuesAndTypesAreRefusedNamingTheOption() {
        Socket router = socket(SocketType.ROUTER);
        assertThatThrownBy(() -> router.options().connectRoutingId(new byte[0])).hasMessageContaining("CONNECT_ROUTING_ID");
        assertThatThrownBy(() -> router.options().connectRoutingId(new byte[256])).hasMessageContaining("CONNECT_ROUTING_ID");
        assertThatThrownBy(() -> socket(SocketType.DEALER).options().connectRoutingId(utf8("x")))
                .hasMessageContaining("CONNECT_ROUTING_ID").hasMessageContaining("DEALER");
    }

    @Test
    void aStreamConnectionIsKnownByTheIdItChose() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            plain.setSoTimeout((int) WAIT.toMillis());
            Stream stream = (Stream) ctx.socket(SocketType.STREAM);
            stream.options().linger(0).receiveTimeout(WAIT.toMillis()).sendTimeout(WAIT.toMillis())
                    .connectRoutingId(utf8("web"));
            stream.connect("tcp://127.0.0.1:" + plain.getLocalPort());
            try (java.net.Socket accepted = plain.accept()) {
                try (Message notice = stream.receive()) {
                    assertThat(notice.string(0)).isEqualTo("web");
                    assertThat(notice.frame(1).readableBytes()).isZero();
                }
                assertThat(stream.send(Message.of(utf8("web"), utf8("GET / HTTP/1.0\r\n\r\n")))).isTrue();
                InputStream in = accepted.getInputStream();
                accepted.setSoTimeout((int) WAIT.toMillis());
                assertThat(new String(in.readNBytes(18), StandardCharsets.US_ASCII)).isEqualTo("GET / HTTP/1.0\r\n\r\n");
            }
        }
    }
}
