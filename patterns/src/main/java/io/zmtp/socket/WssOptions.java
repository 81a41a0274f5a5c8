package io.zmtp.socket;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * The TLS part of {@link SocketOptions}, for {@code wss://}: libzmq's ZMQ_WSS_CERT_PEM,
 * ZMQ_WSS_KEY_PEM, ZMQ_WSS_TRUST_PEM, ZMQ_WSS_HOSTNAME and ZMQ_WSS_TRUST_SYSTEM, as PEM text.
 * Certificates are parsed when set, so a bad one is refused at once; the contexts are made at bind
 * and connect, where a missing certificate or key, or a key that does not fit, is refused naming the
 * endpoint. Netty's JDK TLS provider does the work.
 */
final class WssOptions {
    private volatile String certPem;
    private volatile String keyPem;
    private volatile String trustPem;
    private volatile String hostname;
    private volatile boolean trustSystem = true;

    void certPem(String pem) {
        certificates("WSS_CERT_PEM", pem);
        this.certPem = pem;
    }

    void keyPem(String pem) {
        if (pem == null || !pem.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("WSS_KEY_PEM must be a PEM private key (-----BEGIN PRIVATE KEY-----, PKCS#8)");
        }
        this.keyPem = pem;
    }

    void trustPem(String pem) {
        certificates("WSS_TRUST_PEM", pem);
        this.trustPem = pem;
    }

    void hostname(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("WSS_HOSTNAME must not be empty");
        }
        this.hostname = name;
    }

    void trustSystem(boolean on) {
        this.trustSystem = on;
    }

    String hostname() {
        return hostname;
    }

    private static X509Certificate[] certificates(String option, String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(option + " must hold PEM certificates");
        }
        try {
            X509Certificate[] all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .toArray(new X509Certificate[0]);
            if (all.length == 0) {
                throw new IllegalArgumentException(option + " holds no certificate");
            }
            return all;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(option + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** A bind's context: our certificate and key; with trusted CAs, clients must show a certificate they signed. */
    SslContext serverContext(String endpoint) {
        if (certPem == null || keyPem == null) {
            throw new IllegalArgumentException("cannot bind " + endpoint + ": wss needs wssCertPem and wssKeyPem");
        }
        checkKeyFits(endpoint);
        try {
            SslContextBuilder b = SslContextBuilder.forServer(stream(certPem), stream(keyPem));
            if (trustPem != null) {
                b.trustManager(certificates("WSS_TRUST_PEM", trustPem)).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot bind " + endpoint + ": wss certificate or key unusable: "
                    + e.getMessage(), e);
        }
    }

    /**
     * A connect's context: the trusted CAs (or, with none given, the system's, unless
     * WSS_TRUST_SYSTEM is off), and our certificate and key when given (for a server that asks).
     * The server's name is checked against its certificate (see {@link #hostname()}).
     */
    SslContext clientContext(String endpoint) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
            if (trustPem != null) {
                b.trustManager(certificates("WSS_TRUST_PEM", trustPem));
            } else if (!trustSystem) {
                throw new IllegalArgumentException("cannot connect " + endpoint
                        + ": wss with WSS_TRUST_SYSTEM off needs wssTrustPem");
            }
            if (certPem != null && keyPem != null) {
                b.keyManager(stream(certPem), stream(keyPem));
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot connect " + endpoint + ": wss settings unusable: " + e.getMessage(), e);
        }
    }

    /**
     * The key must be the certificate's: a signature made with it must verify with the certificate's
     * public key (else every client would fail its TLS handshake, with no word of why).
     */
    private void checkKeyFits(String endpoint) {
        try {
            X509Certificate leaf = certificates("WSS_CERT_PEM", certPem)[0];
            String body = keyPem.substring(keyPem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, keyPem.indexOf("-----END PRIVATE KEY-----"));
            java.security.PrivateKey key = java.security.KeyFactory.getInstance(leaf.getPublicKey().getAlgorithm())
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(body)));
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
            byte[] probe = "zmtp-netty wss key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("cannot bind " + endpoint + ": the WSS_KEY_PEM key does not belong to the"
                        + " WSS_CERT_PEM certificate");
            }
        } catch (IndexOutOfBoundsException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot bind " + endpoint + ": the WSS_KEY_PEM key does not belong to the"
                    + " WSS_CERT_PEM certificate, or cannot be read (PKCS#8 expected): " + e.getMessage(), e);
        }
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
