package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * wss:// with a CA made in the test: a trusted server certificate works; one from another CA, an
 * expired one, and one for another name are refused, each as HANDSHAKE_FAILED_AUTH in the client's
 * monitor and without a message getting through; a server that asks for client certificates
 * admits a client that has one its CA signed, and no other; bad settings are refused when set
 * or at bind, naming what is wrong.
 */
class WssTransportTest extends SocketTestSupport {
    private static TestPki ca;
    private static TestPki otherCa;
    private static TestPki.Leaf server;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.authority("zmtp test CA");
        otherCa = TestPki.authority("someone else's CA");
        server = ca.issue("localhost");
    }

    private Socket wssServer(SocketType type, TestPki.Leaf leaf) {
        Socket s = socket(type);
        s.options().wssCertPem(leaf.certPem()).wssKeyPem(leaf.keyPem());
        return s;
    }

    private static List<SocketEvent.Type> events(Socket s) {
        List<SocketEvent.Type> seen = new CopyOnWriteArrayList<>();
        s.addEventListener(e -> seen.add(e.type()));
        return seen;
    }

    @Test
    void requestAndReplyOverWssWithATrustedCa() throws Exception {
        Socket rep = wssServer(SocketType.REP, server);
        Socket req = socket(SocketType.REQ);
        req.options().wssTrustPem(ca.trustPem());
        String bound = rep.bind("wss://127.0.0.1:0/secure");
        assertThat(bound).startsWith("wss://127.0.0.1:");
        req.connect(bound);
        req.send("over tls");
        assertThat(rep.receiveString()).isEqualTo("over tls");
        rep.send("back");
        assertThat(req.receiveString()).isEqualTo("back");
    }

    /** Each refusal: the client sees HANDSHAKE_FAILED_AUTH, nothing reaches the server. */
    private void refused(Socket pull, Socket push) {
        List<SocketEvent.Type> seen = events(push);
        push.connect(pull.bind("wss://127.0.0.1:0/zmq"));
        await().atMost(WAIT).until(() -> seen.contains(SocketEvent.Type.HANDSHAKE_FAILED_AUTH));
        assertThat(seen).doesNotContain(SocketEvent.Type.HANDSHAKE_SUCCEEDED);
        assertThat(push.send(Message.of("never"), Duration.ofMillis(50))).isTrue();
        assertThat(pull.receive(Duration.ofMillis(200))).isNull();
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        Socket pull = wssServer(SocketType.PULL, otherCa.issue("localhost"));
        Socket push = socket(SocketType.PUSH);
        push.options().wssTrustPem(ca.trustPem());
        refused(pull, push);
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        TestPki.Leaf expired = ca.issue("localhost", Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
        Socket pull = wssServer(SocketType.PULL, expired);
        Socket push = socket(SocketType.PUSH);
        push.options().wssTrustPem(ca.trustPem());
        refused(pull, push);
    }

    @Test
    void aCertificateForAnotherNameIsRefusedUnlessThatNameIsExpected() throws Exception {
        TestPki.Leaf nameOnly = ca.issueNameOnly("zmtp.example");
        Socket pull = wssServer(SocketType.PULL, nameOnly);
        Socket push = socket(SocketType.PUSH);
        push.options().wssTrustPem(ca.trustPem());
        refused(pull, push);

        Socket named = wssServer(SocketType.PULL, nameOnly);
        Socket push2 = socket(SocketType.PUSH);
        push2.options().wssTrustPem(ca.trustPem()).wssHostname("zmtp.example");
        push2.connect(named.bind("wss://127.0.0.1:0/zmq"));
        push2.send("by name");
        assertThat(named.receiveString()).isEqualTo("by name");
    }

    @Test
    void aServerThatAsksForClientCertificatesAdmitsOnlyThoseItsCaSigned() throws Exception {
        Socket pull = wssServer(SocketType.PULL, server);
        pull.options().wssTrustPem(ca.trustPem());
        Socket anonymous = socket(SocketType.PUSH);
        anonymous.options().wssTrustPem(ca.trustPem());
        List<SocketEvent.Type> seen = events(pull);
        String bound = pull.bind("wss://127.0.0.1:0/zmq");
        anonymous.connect(bound);
        await().atMost(WAIT).until(() -> seen.contains(SocketEvent.Type.HANDSHAKE_FAILED_AUTH));

        TestPki.Leaf client = ca.issue("client");
        Socket known = socket(SocketType.PUSH);
        known.options().wssTrustPem(ca.trustPem()).wssCertPem(client.certPem()).wssKeyPem(client.keyPem());
        known.connect(bound);
        known.send("with a certificate");
        assertThat(pull.receiveString()).isEqualTo("with a certificate");
    }

    @Test
    void badSettingsAreRefusedNamingWhatIsWrong() {
        Socket pull = socket(SocketType.PULL);
        assertThatThrownBy(() -> pull.bind("wss://127.0.0.1:0/zmq")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wssCertPem").hasMessageContaining("wss://127.0.0.1:0/zmq");
        assertThatThrownBy(() -> pull.options().wssCertPem("not a certificate")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WSS_CERT_PEM");
        assertThatThrownBy(() -> pull.options().wssKeyPem("-----BEGIN CERTIFICATE-----")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WSS_KEY_PEM");
        // A key that is not the certificate's.
        Socket mismatched = socket(SocketType.PULL);
        mismatched.options().wssCertPem(server.certPem());
        mismatched.options().wssKeyPem(otherCaKey());
        assertThatThrownBy(() -> mismatched.bind("wss://127.0.0.1:0/zmq")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot bind").hasMessageContaining("does not belong");
    }

    private static String otherCaKey() {
        try {
            return otherCa.issue("x").keyPem();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
