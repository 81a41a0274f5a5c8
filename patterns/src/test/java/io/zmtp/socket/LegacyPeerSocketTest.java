package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpVersion;
import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our sockets against raw ZMTP/1.0 and 2.0 peers on a plain {@link java.net.Socket}, written from
 * RFC 13's and RFC 15's layouts: the exchange libzmq 4.3.4 performs with the same bytes (the
 * zmtp20 probe), routing by the identity frame, the subscription to everything a PUB assumes for
 * a 0MQ 2.x subscriber, and refusal when security is on.
 */
class LegacyPeerSocketTest extends SocketTestSupport {
    private static final HexFormat HEX = HexFormat.of();

    private static java.net.Socket rawPeer(int port) throws IOException {
        java.net.Socket c = new java.net.Socket();
        c.setSoTimeout((int) WAIT.toMillis());
        c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) WAIT.toMillis());
        return c;
    }

    private static String read(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertThat(b).as("%d bytes from our socket", n).hasSize(n);
        return HEX.formatHex(b);
    }

    private static void write(OutputStream out, String hex) throws IOException {
        out.write(HEX.parseHex(hex.replace(" ", "")));
        out.flush();
    }

    private static String hex(String text) {
        return HEX.formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aZmtp20PushIsAnsweredAsLibzmqAnswersIt() throws Exception {
        Socket pull = socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:0");
        try (java.net.Socket raw = rawPeer(pull.boundPort())) {
            InputStream in = raw.getInputStream();
            OutputStream out = raw.getOutputStream();
            assertThat(read(in, 10)).isEqualTo("ff00000000000000017f");
            write(out, "ff 0000000000000000 7f");
            assertThat(read(in, 1)).as("our revision").isEqualTo("03");
            write(out, "01 08");
            assertThat(read(in, 3)).as("our type PULL, then our empty identity frame").isEqualTo("070000");
            write(out, "00 00");
            write(out, "00 05" + hex("hello") + " 02 0000000000000003" + hex("big"));
            try (Message m = pull.receive()) {
                assertThat(m.string(0)).isEqualTo("hello");
            }
            try (Message m = pull.receive()) {
                assertThat(m.string(0)).isEqualTo("big");
            }
            assertThat(pull.peers()).singleElement().satisfies(p -> assertThat(p.version()).isEqualTo(ZmtpVersion.V2_0));
        }
    }

    @Test
    void aRouterRoutesByTheIdentityFrameOfAZmtp20Dealer() throws Exception {
        Socket router = socket(SocketType.ROUTER);
        router.bind("tcp://127.0.0.1:0");
        try (java.net.Socket raw = rawPeer(router.boundPort())) {
            InputStream in = raw.getInputStream();
            OutputStream out = raw.getOutputStream();
            // The whole greeting at once, identity 'old' and a message behind it.
            write(out, "ff 0000000000000004 7f 01 05 00 03" + hex("old") + "00 02" + hex("hi"));
            assertThat(read(in, 10 + 1 + 1 + 2)).as("signature, revision, ROUTER (06), empty identity")
                    .isEqualTo("ff00000000000000017f" + "03" + "06" + "0000");
            try (Message m = router.receive()) {
                assertThat(m.string(0)).isEqualTo("old");
                assertThat(m.string(1)).isEqualTo("hi");
            }
            assertThat(router.send(Message.of("old".getBytes(StandardCharsets.US_ASCII), "back".getBytes(StandardCharsets.US_ASCII))))
                    .isTrue();
            assertThat(read(in, 6)).isEqualTo("0004" + hex("back"));
        }
    }

    @Test
    void aPubSendsEverythingToAn0mq2Subscriber() throws Exception {
        Socket pub = socket(SocketType.PUB);
        pub.bind("tcp://127.0.0.1:0");
        try (java.net.Socket raw = rawPeer(pub.boundPort())) {
            InputStream in = raw.getInputStream();
            OutputStream out = raw.getOutputStream();
            // 0MQ 2.x sends no greeting: its identity frame (length 1 = the flags octet, empty) comes first.
            write(out, "01 00");
            assertThat(read(in, 10)).as("our signature, read by 2.x as our identity frame's header")
                    .isEqualTo("ff00000000000000017f");
            // 2.x never forwards subscriptions: the PUB sends it everything. Publish until the
            // connection is attached and a frame comes (RFC 13: length 5 = 4 + flags, flags 0).
            raw.setSoTimeout(50);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (got.size() < 6 && System.nanoTime() < deadline) {
                pub.send(Message.of("news".getBytes(StandardCharsets.US_ASCII)));
                try {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    got.write(b);
                    got.write(in.readNBytes(5));
                } catch (SocketTimeoutException e) {
                    // not attached yet: publish again
                }
            }
            assertThat(HEX.formatHex(got.toByteArray())).isEqualTo("0500" + hex("news"));
            assertThat(pub.peers()).singleElement().satisfies(p -> assertThat(p.version()).isEqualTo(ZmtpVersion.V1_0));
        }
    }

    @Test
    void aNullSocketWithAnAuthenticatorRefusesAnUnversionedPeer() throws Exception {
        // An address whitelist on a NULL socket: a peer without a handshake must not get around it.
        Socket pull = socket(SocketType.PULL);
        pull.options().authenticator(r -> CompletableFuture.completedFuture(AuthResult.ok("anyone")));
        pull.bind("tcp://127.0.0.1:0");
        try (java.net.Socket raw = rawPeer(pull.boundPort())) {
            InputStream in = raw.getInputStream();
            write(raw.getOutputStream(), "01 00 06 00" + hex("hello"));
            assertThat(read(in, 10)).isEqualTo("ff00000000000000017f");
            assertThat(in.read()).isEqualTo(-1);
            assertThat(pull.receive(java.time.Duration.ofMillis(100))).isNull();
        }
    }

    @Test
    void aCurveServerRefusesAZmtp20Peer() throws Exception {
        Socket rep = socket(SocketType.REP);
        rep.options().curveServer(true).curveSecretKey(CurveKeyPair.generate().secretKey());
        rep.bind("tcp://127.0.0.1:0");
        try (java.net.Socket raw = rawPeer(rep.boundPort())) {
            InputStream in = raw.getInputStream();
            write(raw.getOutputStream(), "ff 0000000000000001 7f 01 03");
            assertThat(read(in, 11)).isEqualTo("ff00000000000000017f03");
            // No socket type octet: the connection is closed (libzmq refuses old peers when ZAP is in use).
            assertThat(in.read()).isEqualTo(-1);
            assertThat(rep.peers()).isEmpty();
        }
    }
}
