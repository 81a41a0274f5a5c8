package io.zmtp.socket;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate authority made in the test (Bouncy Castle), and certificates it signs, as PEM text
 * for the wss options: EC P-256 keys, PKCS#8 private keys. Public for the command-line tests.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final String name;
    final KeyPair keys;
    final X509Certificate certificate;

    private TestPki(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A self-signed CA. */
    public static TestPki authority(String name) throws Exception {
        KeyPair keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        X509Certificate cert = sign(subject, keys.getPublic(), subject, keys.getPrivate(), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), true);
        return new TestPki(name, keys, cert);
    }

    /** A leaf certificate this CA signs for 127.0.0.1 and {@code dnsName}, valid from {@code from} to {@code to}. */
    public Leaf issue(String dnsName, Instant from, Instant to) throws Exception {
        KeyPair leafKeys = ecKeys();
        X509Certificate cert = sign(new X500Name("CN=" + dnsName), leafKeys.getPublic(), new X500Name("CN=" + name),
                keys.getPrivate(), from, to, false, new GeneralName(GeneralName.dNSName, dnsName),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        return new Leaf(pem(cert) + pem(certificate), key(leafKeys.getPrivate()));
    }

    /** A leaf valid now for 30 days. */
    public Leaf issue(String dnsName) throws Exception {
        return issue(dnsName, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
    }

    /** A leaf for {@code dnsName} only (no IP address in it). */
    public Leaf issueNameOnly(String dnsName) throws Exception {
        KeyPair leafKeys = ecKeys();
        X509Certificate cert = sign(new X500Name("CN=" + dnsName), leafKeys.getPublic(), new X500Name("CN=" + name),
                keys.getPrivate(), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), false,
                new GeneralName(GeneralName.dNSName, dnsName));
        return new Leaf(pem(cert) + pem(certificate), key(leafKeys.getPrivate()));
    }

    /** This CA's certificate, as the trust of the other side. */
    public String trustPem() throws Exception {
        return pem(certificate);
    }

    /** A certificate chain (leaf first) and its private key, as PEM text. */
    public record Leaf(String certPem, String keyPem) {
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, java.security.PublicKey key, X500Name issuer, PrivateKey issuerKey,
                                        Instant from, Instant to, boolean ca, GeneralName... names) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(from), Date.from(to), subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + base64(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    private static String key(PrivateKey k) {
        return "-----BEGIN PRIVATE KEY-----\n" + base64(k.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    private static String base64(byte[] der) {
        return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    }
}
