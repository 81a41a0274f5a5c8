package io.zmtp.cli;

import io.zmtp.codec.curve.CurveKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

/**
 * {@code zmtp keygen}: a fresh CURVE key pair in Z85, like libzmq's curve_keygen. With
 * {@code --out NAME} it also writes certificate files as czmq does: {@code NAME} with the public
 * key (give it to servers, e.g. a directory for {@code --curve-allow-dir}) and {@code NAME_secret}
 * with both keys, readable by the owner only.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Print a new CURVE key pair (Z85): 'public: ...' and 'secret: ...'.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed: the --out files cannot be written", "2:bad usage"})
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "NAME", description = "also write certificate files NAME and NAME_secret")
    Path out;

    @Override
    public Integer call() throws IOException {
        CurveKeyPair keys = CurveKeyPair.generate();
        System.out.println("public: " + keys.publicKeyZ85());
        System.out.println("secret: " + keys.secretKeyZ85());
        if (out != null) {
            try {
                writeCertificates(keys);
            } catch (IOException e) {
                throw new ZmtpCommand.CliFailure(1, "keygen: cannot write " + out + ": " + why(e));
            }
        }
        return 0;
    }

    /** Why a file could not be written, in words (a JDK file exception's message is often just the path). */
    private static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private void writeCertificates(CurveKeyPair keys) throws IOException {
        String header = "#   ZeroMQ CURVE certificate written by zmtp keygen\n";
        Files.writeString(out, header + "metadata\ncurve\n    public-key = \"" + keys.publicKeyZ85() + "\"\n",
                StandardCharsets.UTF_8);
        Path secret = out.resolveSibling(out.getFileName() + "_secret");
        Files.deleteIfExists(secret);
        try {
            Files.createFile(secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(secret);
        }
        Files.writeString(secret, header + "metadata\ncurve\n    public-key = \"" + keys.publicKeyZ85()
                + "\"\n    secret-key = \"" + keys.secretKeyZ85() + "\"\n", StandardCharsets.UTF_8);
    }
}
