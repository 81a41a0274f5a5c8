package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Dish;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RADIO and DISH over udp: datagrams laid out as libzmq's (group length, group, body), checked
 * against plain {@link DatagramSocket}s; groups filtered at the DISH; oversized and malformed
 * datagrams dropped; the endpoints only RADIO and DISH may use; multicast on the loopback interface.
 */
class UdpRadioDishTest extends SocketTestSupport {
    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    @Test
    void aRadioSendsToADishOverUdp() {
        Dish dish = (Dish) socket(SocketType.DISH);
        dish.join("weather");
        String bound = dish.bind("udp://127.0.0.1:0");
        assertThat(bound).startsWith("udp://127.0.0.1:");
        Socket radio = socket(SocketType.RADIO);
        radio.connect("udp://127.0.0.1:" + port(bound));
        sunnyThenOnlyWeather(radio, dish);
    }

    /**
     * Sends "sunny" to group weather until {@code dishes} each got it (datagrams sent before the
     * DISH was there are lost), then one message of a group they did not join and a last one of
     * theirs: each gets only weather.
     */
    private static void sunnyThenOnlyWeather(Socket radio, Dish... dishes) {
        for (Dish dish : dishes) {
            Message first = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (first == null && System.nanoTime() < deadline) {
                radio.send(Message.of("sunny").group("weather"));
                first = dish.receive(Duration.ofMillis(20));
            }
            assertThat(first).as("a datagram within %s", WAIT).isNotNull();
            try (Message got = first) {
                assertThat(got.string(0)).isEqualTo("sunny");
                assertThat(got.group()).isEqualTo("weather");
            }
        }
        radio.send(Message.of("not joined").group("news"));
        radio.send(Message.of("last").group("weather"));
        for (Dish dish : dishes) {
            while (true) {
                try (Message m = dish.receive()) {
                    assertThat(m).isNotNull();
                    assertThat(m.group()).isEqualTo("weather");
                    if (m.string(0).equals("last")) {
                        break;
                    }
                }
            }
        }
    }

    /** The datagram on the wire: group length, group, body; and one too big is not sent. */
    @Test
    void datagramsAreLaidOutAsLibzmqsAndOversizedOnesAreDropped() throws Exception {
        try (DatagramSocket listener = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            listener.setSoTimeout((int) WAIT.toMillis());
            Socket radio = socket(SocketType.RADIO);
            radio.connect("udp://127.0.0.1:" + listener.getLocalPort());
            // As over tcp, a RADIO drops what it sends before its peer is there.
            org.awaitility.Awaitility.await().atMost(WAIT)
                    .until(() -> radio.peers().stream().anyMatch(io.zmtp.socket.pipe.PeerInfo::connected));
            radio.send(Message.of(new byte[8192 - 1 - 3 + 1]).group("big"));
            radio.send(Message.of("hi").group("grp"));
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            listener.receive(p);
            byte[] expected = {3, 'g', 'r', 'p', 'h', 'i'};
            byte[] got = java.util.Arrays.copyOf(p.getData(), p.getLength());
            assertThat(got).as("the 8,193-byte one was dropped, the small one came").isEqualTo(expected);
        }
    }

    /** Datagrams from anyone reach a bound DISH; malformed ones are dropped. */
    @Test
    void aDishTakesLibzmqLayoutFromAnySenderAndDropsMalformedDatagrams() throws Exception {
        Dish dish = (Dish) socket(SocketType.DISH);
        dish.join("g");
        int port = port(dish.bind("udp://127.0.0.1:0"));
        try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            sender.send(new DatagramPacket(new byte[0], 0, to));
            sender.send(new DatagramPacket(new byte[] {9, 'g'}, 2, to));
            byte[] good = {1, 'g', 'o', 'k'};
            Message m = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (m == null && System.nanoTime() < deadline) {
                sender.send(new DatagramPacket(good, good.length, to));
                m = dish.receive(Duration.ofMillis(50));
            }
            assertThat(m).isNotNull();
            try (Message got = m) {
                assertThat(got.group()).isEqualTo("g");
                assertThat(got.frame(0).toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
            }
        }
    }

    @Test
    void onlyARadioConnectsAndOnlyADishBinds() {
        Socket push = socket(SocketType.PUSH);
        assertThatThrownBy(() -> push.bind("udp://127.0.0.1:0")).hasMessageContaining("DISH");
        Socket radio = socket(SocketType.RADIO);
        assertThatThrownBy(() -> radio.bind("udp://127.0.0.1:0")).hasMessageContaining("DISH");
        assertThatThrownBy(() -> radio.connect("udp://*:5556")).isInstanceOf(IllegalArgumentException.class);
        Socket dish = socket(SocketType.DISH);
        assertThatThrownBy(() -> dish.bind("udp://127.0.0.1;127.0.0.2:5556"))
                .hasMessageContaining("goes only with a multicast group");
        assertThatThrownBy(() -> radio.connect("udp://nosuchif9;239.192.0.1:5556"))
                .hasMessageContaining("no interface of this host");
        assertThatThrownBy(() -> radio.connect("udp://239.192.0.1;239.192.0.2:5556"))
                .hasMessageContaining("multicast");
        assertThatThrownBy(() -> radio.options().multicastHops(0)).hasMessageContaining("MULTICAST_HOPS");
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * Multicast as libzmq does it, on the loopback interface (named by its address before the
     * semicolon, so the datagrams never leave this host): two DISHes bound to the group's port both
     * take what a RADIO sends to the group, each keeping only the groups it joined.
     */
    @Test
    void twoDishesOfAMulticastGroupBothHearTheRadio() throws Exception {
        String endpoint = "udp://127.0.0.1;239.192.77." + (1 + NAMES.incrementAndGet() % 250) + ":" + freeUdpPort();
        Dish first = (Dish) socket(SocketType.DISH);
        Dish second = (Dish) socket(SocketType.DISH);
        first.join("weather");
        second.join("weather");
        assertThat(first.bind(endpoint)).isEqualTo(endpoint);
        assertThat(second.bind(endpoint)).isEqualTo(endpoint);
        Socket radio = socket(SocketType.RADIO);
        radio.options().multicastHops(1).multicastLoop(true);
        radio.connect(endpoint);
        sunnyThenOnlyWeather(radio, first, second);
    }
}
