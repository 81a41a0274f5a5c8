package io.zmtp.cli;

import io.zmtp.codec.auth.CurveKeyAuthenticator;
import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code zmtp keygen}: two Z85 lines that form a key pair, and certificate files a server can load. */
class KeygenCommandTest {
    @Test
    void printsAMatchingPairAndWritesCertificates(@TempDir Path dir) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ZmtpCommand.run("keygen", "--out", dir.resolve("client").toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(code).isZero();
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("public: ").hasSize(8 + 40);
        assertThat(lines.get(1)).startsWith("secret: ").hasSize(8 + 40);
        String pub = lines.get(0).substring(8);
        String sec = lines.get(1).substring(8);
        // fromZ85 refuses a public key that does not belong to the secret key.
        assertThat(CurveKeyPair.fromZ85(pub, sec).publicKeyZ85()).isEqualTo(pub);

        assertThat(Files.readString(dir.resolve("client_secret"))).contains(sec);
        assertThat(Files.readString(dir.resolve("client"))).contains(pub).doesNotContain(sec);
        Files.delete(dir.resolve("client_secret"));
        assertThat(CurveKeyAuthenticator.fromDirectory(dir).size()).isEqualTo(1);
    }

    @Test
    void aCertificateThatCannotBeWrittenSaysWhyInOneLine(@TempDir Path dir) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ZmtpCommand.run("keygen", "--out", dir.resolve("missing/dir/client").toString());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        assertThat(code).isEqualTo(1);
        String text = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(text).contains("cannot write").contains("no such directory").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aMalformedProxySpecIsAUsageError() {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ZmtpCommand.run("proxy", "--frontend", "ROUTER-tcp://127.0.0.1:1", "--backend", "DEALER@tcp://127.0.0.1:*");
        } finally {
            System.setErr(savedErr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("TYPE@ENDPOINT");
    }
}
