package io.zmtp.cli;

import io.zmtp.socket.SocketOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The wss options of {@code zmtp cat} and {@code zmtp proxy} (a picocli mixin): PEM files, read
 * once at start, given to every socket the command makes (they matter to wss endpoints only), as
 * libzmq's ZMQ_WSS_* options take the same PEM text.
 */
final class WssFiles {
    @Option(names = "--wss-cert", paramLabel = "FILE", description = "wss bind: this side's certificate chain (PEM, leaf first).")
    Path cert;

    @Option(names = "--wss-key", paramLabel = "FILE", description = "wss bind: the private key of --wss-cert (PEM, PKCS#8).")
    Path key;

    @Option(names = "--wss-trust", paramLabel = "FILE", description = "wss connect: the CA certificates to trust for the server (PEM);"
            + " on a bind: clients must show a certificate these signed.")
    Path trust;

    @Option(names = "--wss-hostname", paramLabel = "NAME", description = "wss connect: the name the server's certificate must hold"
            + " (default: the endpoint's host).")
    String hostname;

    @Option(names = "--no-wss-trust-system", description = "wss connect without --wss-trust: do not trust the system's CAs.")
    boolean noTrustSystem;

    private String certPem;
    private String keyPem;
    private String trustPem;

    /** Reads the files; null when all is well, else what is wrong (for a usage error). */
    String load() {
        if ((cert == null) != (key == null)) {
            return "--wss-cert and --wss-key go together";
        }
        try {
            certPem = read("--wss-cert", cert);
            keyPem = read("--wss-key", key);
            trustPem = read("--wss-trust", trust);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    private static String read(String option, Path file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Gives the certificates to {@code options}, which checks them at once.
     *
     * @throws IllegalArgumentException naming the option, when a file holds no usable PEM
     */
    void applyTo(SocketOptions options) {
        try {
            if (certPem != null) {
                options.wssCertPem(certPem);
                options.wssKeyPem(keyPem);
            }
            if (trustPem != null) {
                options.wssTrustPem(trustPem);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("WSS_CERT_PEM", "--wss-cert").replace("WSS_KEY_PEM", "--wss-key")
                    .replace("WSS_TRUST_PEM", "--wss-trust"), e);
        }
        if (hostname != null) {
            options.wssHostname(hostname);
        }
        if (noTrustSystem) {
            options.wssTrustSystem(false);
        }
    }
}
