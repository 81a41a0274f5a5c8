package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ws:// as libzmq's ws transport speaks it (ZWS 2.0 over RFC 6455): the upgrade and the first
 * frames byte for byte from a plain {@link java.net.Socket} (the ZWS.md facts), ZWS 2.0 without a
 * mechanism, HTTP errors for bad upgrades, several paths on one port, the mechanisms, large and
 * multipart messages both ways, and the upgrade deadline.
 */
class WsTransportTest extends SocketTestSupport {
    private static final HexFormat HEX = HexFormat.of();

    private static java.net.Socket raw(int port) throws IOException {
        java.net.Socket c = new java.net.Socket();
        c.setSoTimeout((int) WAIT.toMillis());
        c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) WAIT.toMillis());
        return c;
    }

    /** Sends an upgrade request and returns the HTTP answer's head (up to the blank line). */
    private static String upgrade(java.net.Socket s, String path, String protocols, String key) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + (protocols == null ? "" : "Sec-WebSocket-Protocol: " + protocols + "\r\n") + "\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return head(s.getInputStream());
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static String accept(String key) throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                .getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    /** A client's (masked) binary WebSocket frame holding {@code payload}. */
    private static byte[] clientFrame(byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x82);
        b.write(0x80 | payload.length);
        b.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            b.write(payload[i] ^ mask[i & 3]);
        }
        return b.toByteArray();
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex.replace(" ", ""));
    }

    private static String hex(String text) {
        return HEX.formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertThat(b).as("%d bytes", n).hasSize(n);
        return HEX.formatHex(b);
    }

    private static int port(String endpoint) {
        String hostPort = endpoint.substring(0, endpoint.indexOf('/', "ws://".length()));
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    @Test
    void anUpgradeIsAnsweredAndReadyFollowsAsFromLibzmq() throws Exception {
        Socket pull = socket(SocketType.PULL);
        String bound = pull.bind("ws://127.0.0.1:0/zmq");
        assertThat(bound).startsWith("ws://127.0.0.1:").endsWith("/zmq");
        try (java.net.Socket s = raw(port(bound))) {
            String key = "dGhlIHNhbXBsZSBub25jZQ==";
            String answer = upgrade(s, "/zmq", "ZWS2.0/NULL,ZWS2.0", key);
            assertThat(answer).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: ZWS2.0/NULL")
                    .contains(accept(key));
            InputStream in = s.getInputStream();
            // Our READY at once, unmasked: flags 02 (command), then the command body as in ZMTP 3.x.
            assertThat(read(in, 2 + 27)).isEqualTo("821b" + "02" + "05" + hex("READY") + "0b" + hex("Socket-Type")
                    + "00000004" + hex("PULL"));
            OutputStream out = s.getOutputStream();
            out.write(clientFrame(bytes("02 05" + hex("READY") + "0b" + hex("Socket-Type") + "00000004" + hex("PUSH"))));
            out.write(clientFrame(bytes("01" + hex("part1"))));
            out.write(clientFrame(bytes("00" + hex("part2"))));
            out.flush();
            try (Message m = pull.receive()) {
                assertThat(m.strings()).containsExactly("part1", "part2");
            }
        }
    }

    @Test
    void plainZws20HasNoMechanismOnlyIdentities() throws Exception {
        Socket pull = socket(SocketType.PULL);
        String bound = pull.bind("ws://127.0.0.1:0/");
        try (java.net.Socket s = raw(port(bound))) {
            assertThat(upgrade(s, "/", "ZWS2.0", "AAAAAAAAAAAAAAAAAAAAAA==")).startsWith("HTTP/1.1 101")
                    .containsIgnoringCase("sec-websocket-protocol: ZWS2.0\r\n");
            // Our empty identity first, as libzmq sends it (ZWS.md fact 3).
            assertThat(read(s.getInputStream(), 3)).isEqualTo("820100");
            OutputStream out = s.getOutputStream();
            out.write(clientFrame(bytes("00")));
            out.write(clientFrame(bytes("00" + hex("hi"))));
            out.flush();
            assertThat(pull.receiveString()).isEqualTo("hi");
        }
    }

    @Test
    void badUpgradesGetAnHttpErrorAndTheSocketServesOn() throws Exception {
        Socket pull = socket(SocketType.PULL);
        pull.options().plainServer(new PlainPasswordAuthenticator(Map.of("u", "p")));
        String bound = pull.bind("ws://127.0.0.1:0/zmq");
        int port = port(bound);
        try (java.net.Socket s = raw(port)) {
            assertThat(upgrade(s, "/elsewhere", "ZWS2.0/PLAIN", "AAAAAAAAAAAAAAAAAAAAAA==")).startsWith("HTTP/1.1 404");
            assertThat(s.getInputStream().read()).isGreaterThanOrEqualTo(0); // the body, then the end
        }
        try (java.net.Socket s = raw(port)) {
            // A PLAIN socket does not speak ZWS without a mechanism.
            assertThat(upgrade(s, "/zmq", "ZWS2.0,ZWS2.0/NULL", "AAAAAAAAAAAAAAAAAAAAAA==")).startsWith("HTTP/1.1 400");
        }
        try (java.net.Socket s = raw(port)) {
            s.getOutputStream().write("POST /zmq HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(head(s.getInputStream())).startsWith("HTTP/1.1 405");
        }
        try (java.net.Socket s = raw(port)) {
            s.getOutputStream().write("GET /zmq HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(head(s.getInputStream())).startsWith("HTTP/1.1 400");
        }
        Socket push = socket(SocketType.PUSH);
        push.options().plainCredentials("u", "p");
        push.connect(bound);
        push.send("still here");
        assertThat(pull.receiveString()).isEqualTo("still here");
    }

    @Test
    void aSocketServesSeveralPathsOnOnePort() {
        Socket pull = socket(SocketType.PULL);
        String a = pull.bind("ws://127.0.0.1:" + freePort() + "/a");
        String b = pull.bind(a.substring(0, a.lastIndexOf('/')) + "/b");
        assertThat(port(b)).isEqualTo(port(a));
        Socket other = socket(SocketType.PULL);
        assertThatThrownBy(() -> other.bind(a.substring(0, a.lastIndexOf('/')) + "/c"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot bind");
        Socket toA = socket(SocketType.PUSH);
        Socket toB = socket(SocketType.PUSH);
        toA.connect(a);
        toB.connect(b);
        toA.send("via a");
        toB.send("via b");
        assertThat(java.util.List.of(pull.receiveString(), pull.receiveString())).containsExactlyInAnyOrder("via a", "via b");
    }

    @Test
    void plainAndCurveRunOverWs() {
        Socket rep = socket(SocketType.REP);
        rep.options().plainServer(new PlainPasswordAuthenticator(Map.of("admin", "secret")));
        Socket req = socket(SocketType.REQ);
        req.options().plainCredentials("admin", "secret");
        req.connect(rep.bind("ws://127.0.0.1:0/plain"));
        req.send("ping");
        assertThat(rep.receiveString()).isEqualTo("ping");
        rep.send("pong");
        assertThat(req.receiveString()).isEqualTo("pong");

        CurveKeyPair server = CurveKeyPair.generate();
        Socket pull = socket(SocketType.PULL);
        pull.options().curveServer(true).curveSecretKey(server.secretKey());
        Socket push = socket(SocketType.PUSH);
        push.options().curveServerKey(server.publicKey());
        push.connect(pull.bind("ws://127.0.0.1:0/curve"));
        push.send("sealed");
        assertThat(pull.receiveString()).isEqualTo("sealed");
    }

    /** 1 MiB and multipart messages both ways: the client masks, the server does not. */
    @Test
    void largeAndMultipartMessagesGoBothWays() {
        Socket a = socket(SocketType.PAIR);
        Socket b = socket(SocketType.PAIR);
        b.connect(a.bind("ws://127.0.0.1:0/big"));
        byte[] big = new byte[1 << 20];
        new java.util.Random(7).nextBytes(big);
        for (Socket[] dir : new Socket[][] {{a, b}, {b, a}}) {
            dir[0].send(Message.of(big, "second".getBytes(StandardCharsets.US_ASCII), new byte[300]));
            try (Message m = dir[1].receive()) {
                assertThat(m.size()).isEqualTo(3);
                assertThat(m.bytes(0)).isEqualTo(big);
                assertThat(m.string(1)).isEqualTo("second");
                assertThat(m.bytes(2)).hasSize(300);
            }
        }
    }

    @Test
    void aConnectionThatNeverUpgradesIsClosedAtTheHandshakeInterval() throws Exception {
        Socket pull = socket(SocketType.PULL);
        pull.options().handshakeIvl(300);
        String bound = pull.bind("ws://127.0.0.1:0/zmq");
        try (java.net.Socket s = raw(port(bound))) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
