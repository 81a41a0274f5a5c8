package io.zmtp.cli;

import io.zmtp.codec.auth.AuthResult;
import io.zmtp.codec.auth.Authenticator;
import io.zmtp.codec.auth.CurveKeyAuthenticator;
import io.zmtp.codec.auth.PlainPasswordAuthenticator;
import io.zmtp.socket.SocketOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The PLAIN and CURVE options of {@code zmtp cat} (a picocli mixin): checked and completed once at
 * start ({@link #load}: a password from its file or the environment), then applied to the socket.
 */
final class SecurityOptions {
    /** The environment variable a PLAIN client's password may come from. */
    static final String PLAIN_PASSWORD_ENV = "ZMTP_PLAIN_PASSWORD";

    @Option(names = "--plain-user", description = "PLAIN client username.")
    String plainUser;

    @Option(names = "--plain-password", description = "PLAIN client password (visible to anyone who lists processes:"
            + " prefer --plain-password-file or $" + PLAIN_PASSWORD_ENV + ").")
    String plainPassword;

    @Option(names = "--plain-password-file", paramLabel = "FILE", description = "PLAIN client password: the first line of FILE.")
    Path plainPasswordFile;

    @Option(names = "--plain-server", description = "Act as PLAIN server.")
    boolean plainServer;

    @Option(names = "--plain-users", split = ",", description = "PLAIN server: allowed user:password pairs (comma separated).")
    List<String> plainUsers = new ArrayList<>();

    @Option(names = "--curve-server", description = "Act as CURVE server (needs --curve-secretkey).")
    boolean curveServer;

    @Option(names = "--curve-secretkey", paramLabel = "Z85", description = "CURVE: this side's secret key (40 Z85 characters).")
    String curveSecretKey;

    @Option(names = "--curve-publickey", paramLabel = "Z85", description = "CURVE: this side's public key (checked against the secret key).")
    String curvePublicKey;

    @Option(names = "--curve-serverkey", paramLabel = "Z85", description = "CURVE client: the server's public key.")
    String curveServerKey;

    @Option(names = "--curve-allow", paramLabel = "Z85", description = "CURVE server: admit only this client key (repeatable).")
    List<String> curveAllow = new ArrayList<>();

    @Option(names = "--curve-allow-dir", paramLabel = "DIR", description = "CURVE server: admit only the client keys of the certificate files in DIR.")
    Path curveAllowDir;

    /** Reads the password file (or the environment); null when all is well, else what is wrong (a usage error). */
    String load() {
        if (plainPassword != null && plainPasswordFile != null) {
            return "give --plain-password or --plain-password-file, not both";
        }
        if (plainPasswordFile != null) {
            try {
                plainPassword = firstLine(plainPasswordFile);
            } catch (IOException e) {
                return "--plain-password-file " + plainPasswordFile + " cannot be read: "
                        + (e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName());
            }
            if (plainPassword.isEmpty()) {
                return "--plain-password-file " + plainPasswordFile + ": the first line (the password) is empty";
            }
        }
        if (plainPassword == null && plainUser != null) {
            plainPassword = System.getenv(PLAIN_PASSWORD_ENV);
        }
        if ((plainUser == null) != (plainPassword == null)) {
            return "--plain-user needs a password (--plain-password-file, $" + PLAIN_PASSWORD_ENV
                    + " or --plain-password), and a password needs --plain-user";
        }
        return checkCurve();
    }

    /** The first line of a password file, without its line end. */
    private static String firstLine(Path file) throws IOException {
        if (Files.size(file) > 64 * 1024) {
            throw new IOException("larger than 64 KiB");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** A usage problem with the CURVE options, or null. */
    private String checkCurve() {
        boolean any = curveServer || curveServerKey != null || curveSecretKey != null || curvePublicKey != null
                || !curveAllow.isEmpty() || curveAllowDir != null;
        if (!any) {
            return null;
        }
        if (plainServer || plainUser != null) {
            return "choose PLAIN or CURVE, not both";
        }
        if (curveServer && curveServerKey != null) {
            return "--curve-server and --curve-serverkey: a socket is a CURVE server or a client";
        }
        if (curveServer && curveSecretKey == null) {
            return "--curve-server needs --curve-secretkey (make a pair with 'zmtp keygen')";
        }
        if (!curveServer && curveServerKey == null) {
            return "a CURVE client needs --curve-serverkey (or give --curve-server)";
        }
        if (!curveServer && (curveSecretKey == null) != (curvePublicKey == null)) {
            return "a CURVE client gives both --curve-publickey and --curve-secretkey, or neither (a fresh pair is made)";
        }
        if (!curveServer && (!curveAllow.isEmpty() || curveAllowDir != null)) {
            return "--curve-allow and --curve-allow-dir are for a --curve-server";
        }
        return null;
    }

    /** Makes the socket a PLAIN or CURVE server or client as asked; IllegalArgumentException on a bad value. */
    void applyTo(SocketOptions options) {
        if (plainServer) {
            Map<String, String> users = new HashMap<>();
            for (String pair : plainUsers) {
                int colon = pair.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--plain-users wants user:password, got '" + pair + "'");
                }
                users.put(pair.substring(0, colon), pair.substring(colon + 1));
            }
            options.plainServer(new PlainPasswordAuthenticator(users));
        } else if (plainUser != null) {
            options.plainCredentials(plainUser, plainPassword);
        }
        if (curveServer || curveServerKey != null) {
            applyCurve(options);
        }
    }

    private void applyCurve(SocketOptions options) {
        if (curveSecretKey != null) {
            options.curveSecretKey(curveSecretKey);
        }
        if (curvePublicKey != null) {
            options.curvePublicKey(curvePublicKey);
        }
        if (!curveServer) {
            options.curveServerKey(curveServerKey);
            return;
        }
        options.curveServer(true);
        List<Authenticator> allow = new ArrayList<>();
        try {
            if (!curveAllow.isEmpty()) {
                allow.add(CurveKeyAuthenticator.of(curveAllow));
            }
            if (curveAllowDir != null) {
                allow.add(CurveKeyAuthenticator.fromDirectory(curveAllowDir));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--curve-allow-dir " + curveAllowDir + ": " + e.getMessage(), e);
        }
        if (!allow.isEmpty()) {
            options.authenticator(anyOf(allow));
        }
    }

    /** Admits a client that one of {@code authenticators} admits (keys given inline and from a directory). */
    private static Authenticator anyOf(List<Authenticator> authenticators) {
        return request -> {
            CompletionStage<AuthResult> result = authenticators.get(0).authenticate(request);
            for (Authenticator next : authenticators.subList(1, authenticators.size())) {
                result = result.thenCompose(r -> r.allowed() ? CompletableFuture.completedFuture(r) : next.authenticate(request));
            }
            return result;
        };
    }
}
