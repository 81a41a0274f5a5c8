package io.zmtp.codec.auth;

import io.zmtp.codec.curve.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ready-made ZAP-style authenticators: address filters, PLAIN password files, CURVE key sets. */
class AuthenticatorsTest {
    private static AuthResult ask(Authenticator a, String address, String mechanism, byte[]... credentials) {
        return a.authenticate(new AuthRequest("", address, new byte[0], mechanism, List.of(credentials)))
                .toCompletableFuture().join();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void addressAllowAndDenyLists() {
        Authenticator allowed = AddressFilter.allow(Set.of("10.0.0.1"), Authenticator.allowAll());
        assertThat(ask(allowed, "10.0.0.1", "NULL").allowed()).isTrue();
        assertThat(ask(allowed, "10.0.0.2", "NULL").statusText()).contains("not allowed");
        Authenticator denied = AddressFilter.deny(Set.of("10.0.0.9"), Authenticator.allowAll());
        assertThat(ask(denied, "10.0.0.9", "NULL").allowed()).isFalse();
        assertThat(ask(denied, "10.0.0.1", "NULL").allowed()).isTrue();
        assertThatThrownBy(() -> AddressFilter.allow(Set.of(), Authenticator.allowAll()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPasswordFileAdmitsItsUsersOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("passwords");
        Files.writeString(file, "# operators\nadmin=s3cret\n\nreader = has=equals\n");
        Authenticator a = PasswordFile.load(file);
        assertThat(ask(a, "127.0.0.1", "PLAIN", utf8("admin"), utf8("s3cret")).userId()).isEqualTo("admin");
        assertThat(ask(a, "127.0.0.1", "PLAIN", utf8("reader"), utf8(" has=equals")).allowed()).isTrue();
        assertThat(ask(a, "127.0.0.1", "PLAIN", utf8("admin"), utf8("guess")).allowed()).isFalse();
        Files.writeString(file, "admin=a\nnoequals\n");
        assertThatThrownBy(() -> PasswordFile.load(file)).hasMessageContaining(":2:");
    }

    @Test
    void curveKeysFromASetOrACertificateDirectory(@TempDir Path dir) throws Exception {
        CurveKeyPair alice = CurveKeyPair.generate();
        CurveKeyPair bob = CurveKeyPair.generate();
        CurveKeyPair mallory = CurveKeyPair.generate();
        Authenticator set = CurveKeyAuthenticator.of(List.of(alice.publicKeyZ85()));
        assertThat(ask(set, "127.0.0.1", "CURVE", alice.publicKey()).userId()).isEqualTo(alice.publicKeyZ85());
        assertThat(ask(set, "127.0.0.1", "CURVE", mallory.publicKey()).allowed()).isFalse();
        assertThat(ask(set, "127.0.0.1", "PLAIN", utf8("u"), utf8("p")).allowed()).isFalse();

        Files.writeString(dir.resolve("alice.key"), "metadata\ncurve\n    public-key = \"" + alice.publicKeyZ85() + "\"\n");
        Files.writeString(dir.resolve("bob.key"), "curve\n    public-key = \"" + bob.publicKeyZ85() + "\"\n");
        CurveKeyAuthenticator fromDir = CurveKeyAuthenticator.fromDirectory(dir);
        assertThat(fromDir.size()).isEqualTo(2);
        assertThat(ask(fromDir, "127.0.0.1", "CURVE", bob.publicKey()).userId()).isEqualTo("bob");
        assertThat(ask(fromDir, "127.0.0.1", "CURVE", mallory.publicKey()).allowed()).isFalse();
        Files.writeString(dir.resolve("broken.key"), "no key here\n");
        assertThatThrownBy(() -> CurveKeyAuthenticator.fromDirectory(dir)).hasMessageContaining("broken.key");
    }
}
