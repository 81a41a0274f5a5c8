package io.zmtp.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code zmtp cat} as a user runs it: separate processes talking over loopback. */
class CatProcessTest {
    private static final Pattern BOUND = Pattern.compile("zmtp: (?:[A-Z]+ )?bound (?:tcp|wss?)://[^:]+:(\\d+)");
    private final List<Process> processes = new ArrayList<>();

    /** One running {@code zmtp} command, with its output lines in queues. */
    private final class Cat {
        final Process process;
        final Writer stdin;
        final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        final BlockingQueue<String> err = new LinkedBlockingQueue<>();

        /** {@code zmtp cat ARGS}, or {@code zmtp SUBCOMMAND ARGS} when the first argument is not an option. */
        Cat(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "io.zmtp.cli.ZmtpCommand"));
            if (args.length == 0 || args[0].startsWith("--")) {
                cmd.add("cat");
            }
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).start();
            processes.add(process);
            stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            pump(process.getInputStream(), out);
            pump(process.getErrorStream(), err);
        }

        private void pump(InputStream in, BlockingQueue<String> into) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        into.add(line);
                    }
                } catch (IOException e) {
                    // process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int boundPort() throws InterruptedException {
            String line;
            while ((line = err.poll(30, TimeUnit.SECONDS)) != null) {
                Matcher m = BOUND.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            throw new AssertionError("no 'bound' line on stderr");
        }

        Cat write(String... lines) throws IOException {
            for (String l : lines) {
                stdin.write(l + "\n");
            }
            stdin.flush();
            return this;
        }

        Cat closeInput() throws IOException {
            stdin.close();
            return this;
        }

        String line() throws InterruptedException {
            String l = out.poll(30, TimeUnit.SECONDS);
            assertThat(l).as("a line on stdout within 30 s").isNotNull();
            return l;
        }

        int exitCode() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process exits within 30 s").isTrue();
            return process.exitValue();
        }

        String stderrText() {
            return String.join("\n", err);
        }

        /** Exit 2, a first line "zmtp COMMAND: ..." that says what is wrong, then the usage of that command. */
        void assertUsageError(String command, String says) throws InterruptedException {
            assertThat(exitCode()).isEqualTo(2);
            String first = err.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("the error line").isNotNull().startsWith("zmtp " + command + ": ").contains(says)
                    .doesNotContain("null");
            String line;
            do {
                line = err.poll(30, TimeUnit.SECONDS);
                assertThat(line).as("the usage of zmtp " + command + " on stderr").isNotNull();
            } while (!line.startsWith("Usage: zmtp " + command + " "));
        }
    }

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void pushToPull() throws Exception {
        Cat pull = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--count", "3");
        int port = pull.boundPort();
        Cat push = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port);
        push.write("one", "two", "three").closeInput();
        assertThat(List.of(pull.line(), pull.line(), pull.line())).containsExactly("one", "two", "three");
        assertThat(pull.exitCode()).isZero();
        assertThat(push.exitCode()).isZero();
    }

    @Test
    void curveKeysFromKeygenSecureAPushToPull() throws Exception {
        io.zmtp.codec.curve.CurveKeyPair server = io.zmtp.codec.curve.CurveKeyPair.generate();
        io.zmtp.codec.curve.CurveKeyPair client = io.zmtp.codec.curve.CurveKeyPair.generate();
        io.zmtp.codec.curve.CurveKeyPair stranger = io.zmtp.codec.curve.CurveKeyPair.generate();
        Cat pull = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--count", "1", "--verbose",
                "--curve-server", "--curve-secretkey", server.secretKeyZ85(), "--curve-allow", client.publicKeyZ85());
        int port = pull.boundPort();
        // A client whose key is not allowed is refused (and the server says so) ...
        Cat refused = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port, "--verbose",
                "--curve-serverkey", server.publicKeyZ85(),
                "--curve-publickey", stranger.publicKeyZ85(), "--curve-secretkey", stranger.secretKeyZ85());
        refused.write("should not arrive");
        String line;
        while ((line = refused.err.poll(30, TimeUnit.SECONDS)) != null && !line.contains("HANDSHAKE_FAILED_AUTH")) {
            // wait for the refusal
        }
        assertThat(line).as("the refused client reports HANDSHAKE_FAILED_AUTH").isNotNull();
        refused.process.destroyForcibly();
        // ... the allowed one gets through, encrypted.
        Cat push = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port,
                "--curve-serverkey", server.publicKeyZ85(),
                "--curve-publickey", client.publicKeyZ85(), "--curve-secretkey", client.secretKeyZ85());
        push.write("secret hello").closeInput();
        assertThat(pull.line()).isEqualTo("secret hello");
        assertThat(pull.exitCode()).isZero();
        assertThat(push.exitCode()).isZero();
    }

    @Test
    void inputThatCouldNotBeDeliveredWithinTheLingerExitsOne() throws Exception {
        // Port 1 on loopback: nobody listens, so the PUSH's pipe keeps the line.
        Cat push = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:1", "--linger", "300", "--verbose");
        push.write("never delivered").closeInput();
        assertThat(push.exitCode()).isEqualTo(1);
        assertThat(push.stderrText()).contains("1 message could not be delivered within the linger (300 ms)");
        // --verbose shows the events (CLOSED among them) and never prints "null" for what a
        // socket that was never bound does not have.
        assertThat(push.stderrText()).contains("event CLOSED").doesNotContain("null");
    }

    @Test
    void curveOptionsAreChecked() throws Exception {
        Cat c = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--curve-server");
        c.assertUsageError("cat", "--curve-server needs --curve-secretkey");
    }

    @Test
    void pubToSubWithAFilter() throws Exception {
        Cat pub = new Cat("--type", "PUB", "--bind", "tcp://127.0.0.1:*");
        int port = pub.boundPort();
        Cat sub = new Cat("--type", "SUB", "--connect", "tcp://127.0.0.1:" + port, "--subscribe", "weather", "--count", "2");
        pub.write("news 1", "weather 1", "news 2", "weather 2").closeInput();
        assertThat(List.of(sub.line(), sub.line())).containsExactly("weather 1", "weather 2");
        assertThat(sub.exitCode()).isZero();
    }

    @Test
    void reqToEchoingRep() throws Exception {
        Cat rep = new Cat("--type", "REP", "--bind", "tcp://127.0.0.1:*", "--echo");
        int port = rep.boundPort();
        Cat req = new Cat("--type", "REQ", "--connect", "tcp://127.0.0.1:" + port);
        req.write("ping", "pong").closeInput();
        assertThat(List.of(req.line(), req.line())).containsExactly("ping", "pong");
        assertThat(req.exitCode()).isZero();
        assertThat(List.of(rep.line(), rep.line())).containsExactly("ping", "pong");
    }

    @Test
    void jsonCarriesMultipartAndBinaryFramesExactly() throws Exception {
        Cat pull = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--count", "1", "--format", "json");
        int port = pull.boundPort();
        Cat push = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port, "--format", "json");
        push.write("[\"a\",{\"hex\":\"00ff\"},\"\"]").closeInput();
        assertThat(pull.line()).isEqualTo("[\"a\",{\"hex\":\"00ff\"},\"\"]");
        assertThat(pull.exitCode()).isZero();
    }

    @Test
    void aServerAnswersTheClientItHeardFromLast() throws Exception {
        Cat server = new Cat("--type", "SERVER", "--bind", "tcp://127.0.0.1:*");
        int port = server.boundPort();
        Cat client = new Cat("--type", "CLIENT", "--connect", "tcp://127.0.0.1:" + port, "--count", "1", "--timeout", "20000");
        client.write("question");
        assertThat(server.line()).isEqualTo("question");
        server.write("answer");
        assertThat(client.line()).isEqualTo("answer");
        assertThat(client.exitCode()).isZero();
    }

    @Test
    void aRadioSendsToTheDishesOfItsGroup() throws Exception {
        Cat dish = new Cat("--type", "DISH", "--bind", "tcp://127.0.0.1:*", "--join", "alerts", "--count", "1");
        int port = dish.boundPort();
        Cat radio = new Cat("--type", "RADIO", "--connect", "tcp://127.0.0.1:" + port, "--group", "alerts",
                "--timeout", "20000");
        // The DISH's JOIN reaches the RADIO a little after the connection: send until one line arrives.
        String line = null;
        for (int i = 0; i < 300 && line == null; i++) {
            radio.write("disk full " + i);
            line = dish.out.poll(100, TimeUnit.MILLISECONDS);
        }
        assertThat(line).startsWith("disk full ");
        assertThat(dish.exitCode()).isZero();
        Cat noGroup = new Cat("--type", "RADIO", "--connect", "tcp://127.0.0.1:" + port);
        noGroup.assertUsageError("cat", "a RADIO needs --group");
    }

    /** STREAM as netcat: a line to a plain TCP server, its answer on stdout, the end when it hangs up. */
    @Test
    void aStreamTalksToAPlainTcpServer() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            http.setSoTimeout(30_000);
            Cat cat = new Cat("--type", "STREAM", "--connect", "tcp://127.0.0.1:" + http.getLocalPort(),
                    "--timeout", "30000");
            cat.write("GET / HTTP/1.0");
            try (java.net.Socket client = http.accept()) {
                client.setSoTimeout(30_000);
                BufferedReader request = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.US_ASCII));
                assertThat(request.readLine()).isEqualTo("GET / HTTP/1.0");
                client.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\nhello\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(List.of(cat.line(), cat.line(), cat.line())).containsExactly("HTTP/1.0 200 OK", "", "hello");
            assertThat(cat.exitCode()).isZero();
            assertThat(cat.stderrText()).contains("opened").contains("closed");
        }
    }

    /** ws endpoints work as tcp ones do. */
    @Test
    void pushToPullOverWebSocket() throws Exception {
        Cat pull = new Cat("--type", "PULL", "--bind", "ws://127.0.0.1:*/zmq", "--count", "2");
        int port = pull.boundPort();
        Cat push = new Cat("--type", "PUSH", "--connect", "ws://127.0.0.1:" + port + "/zmq");
        push.write("over", "websocket").closeInput();
        assertThat(List.of(pull.line(), pull.line())).containsExactly("over", "websocket");
        assertThat(pull.exitCode()).isZero();
        assertThat(push.exitCode()).isZero();
    }

    /**
     * wss from PEM files: a PULL binds with a certificate the test's CA signed, a PUSH trusts that
     * CA; through a proxy too (tcp in front, wss behind: a gateway); bad files are usage errors.
     */
    @Test
    void pushToPullOverTlsWithCertificateFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        io.zmtp.socket.TestPki ca = io.zmtp.socket.TestPki.authority("cat-test-ca");
        io.zmtp.socket.TestPki.Leaf leaf = ca.issue("localhost");
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("server.pem"), leaf.certPem());
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("server.key"), leaf.keyPem());
        java.nio.file.Path trust = java.nio.file.Files.writeString(dir.resolve("ca.pem"), ca.trustPem());

        Cat pull = new Cat("--type", "PULL", "--bind", "wss://127.0.0.1:*/zmq", "--count", "2",
                "--wss-cert", cert.toString(), "--wss-key", key.toString());
        int port = pull.boundPort();
        Cat push = new Cat("--type", "PUSH", "--connect", "wss://127.0.0.1:" + port + "/zmq", "--wss-trust", trust.toString());
        push.write("over", "tls").closeInput();
        assertThat(List.of(pull.line(), pull.line())).containsExactly("over", "tls");
        assertThat(pull.exitCode()).isZero();
        assertThat(push.exitCode()).isZero();

        Cat proxy = new Cat("proxy", "--frontend", "pull@tcp://127.0.0.1:*", "--backend", "push@wss://127.0.0.1:*/out",
                "--wss-cert", cert.toString(), "--wss-key", key.toString());
        int front = proxy.boundPort();
        int back = proxy.boundPort();
        Cat behind = new Cat("--type", "PULL", "--connect", "wss://127.0.0.1:" + back + "/out", "--count", "1",
                "--wss-trust", trust.toString(), "--wss-hostname", "localhost");
        Cat before = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + front);
        before.write("through the gateway").closeInput();
        assertThat(behind.line()).isEqualTo("through the gateway");
        assertThat(behind.exitCode()).isZero();

        Cat halfPair = new Cat("--type", "PULL", "--bind", "wss://127.0.0.1:*/zmq", "--wss-cert", cert.toString());
        halfPair.assertUsageError("cat", "--wss-cert and --wss-key go together");
        Cat notPem = new Cat("--type", "PUSH", "--connect", "wss://127.0.0.1:1/zmq", "--wss-trust", key.toString());
        notPem.assertUsageError("cat", "--wss-trust");
        Cat missing = new Cat("--type", "PUSH", "--connect", "wss://127.0.0.1:1/zmq", "--wss-trust", dir.resolve("nope.pem").toString());
        missing.assertUsageError("cat", "no such file");
        Cat noCert = new Cat("--type", "PULL", "--bind", "wss://127.0.0.1:*/zmq");
        assertThat(noCert.exitCode()).isEqualTo(1);
        assertThat(noCert.stderrText()).contains("wss needs");
    }

    @Test
    void scatterToGather() throws Exception {
        Cat gather = new Cat("--type", "GATHER", "--bind", "tcp://127.0.0.1:*", "--count", "2");
        int port = gather.boundPort();
        Cat scatter = new Cat("--type", "SCATTER", "--connect", "tcp://127.0.0.1:" + port);
        scatter.write("a", "b").closeInput();
        assertThat(List.of(gather.line(), gather.line())).containsExactly("a", "b");
        assertThat(gather.exitCode()).isZero();
        assertThat(scatter.exitCode()).isZero();
    }

    @Test
    void routerPrintsTheRoutingIdFirst() throws Exception {
        Cat router = new Cat("--type", "ROUTER", "--bind", "tcp://127.0.0.1:*", "--count", "1", "--format", "hex");
        int port = router.boundPort();
        Cat dealer = new Cat("--type", "DEALER", "--connect", "tcp://127.0.0.1:" + port, "--identity", "abc", "--count", "1", "--timeout", "20000");
        dealer.write("hi");
        assertThat(router.line()).isEqualTo("616263 6869");
        assertThat(router.exitCode()).isZero();
    }

    @Test
    void aPlainPasswordFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("pw"), "s3cret\n");
        Cat pull = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--count", "1", "--plain-server",
                "--plain-users", "ops:s3cret");
        int port = pull.boundPort();
        Cat push = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port, "--plain-user", "ops",
                "--plain-password-file", file.toString());
        push.write("hello").closeInput();
        assertThat(pull.line()).isEqualTo("hello");
        assertThat(pull.exitCode()).isZero();
        assertThat(push.exitCode()).isZero();

        Cat both = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port, "--plain-user", "ops",
                "--plain-password", "x", "--plain-password-file", file.toString());
        both.assertUsageError("cat", "not both");
        Cat missing = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port, "--plain-user", "ops",
                "--plain-password-file", dir.resolve("none").toString());
        missing.assertUsageError("cat", "cannot be read: no such file");
    }

    @Test
    void verboseEventsShowAPeersUserNameEscaped() throws Exception {
        Cat pull = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--plain-server", "--plain-users", "ops:s3cret",
                "--verbose");
        int port = pull.boundPort();
        new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port, "--plain-user", "x\u001b[2J\nFAKE LINE",
                "--plain-password", "guess");
        String line;
        do {
            line = pull.err.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("a refusal event on stderr within 30 s").isNotNull();
            assertThat(line).doesNotContain("\u001b").doesNotStartWith("FAKE LINE");
        } while (!line.contains("refused"));
        assertThat(line).contains("x\\u001b[2J\\nFAKE LINE");
    }

    @Test
    void errorsAreOneLineAndANonZeroExit() throws Exception {
        Cat badEndpoint = new Cat("--type", "PULL", "--bind", "nonsense");
        assertThat(badEndpoint.exitCode()).isEqualTo(1);
        assertThat(badEndpoint.stderrText()).contains("nonsense");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cat inUse = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:" + taken.getLocalPort());
            assertThat(inUse.exitCode()).isEqualTo(1);
            assertThat(inUse.stderrText()).contains("cannot bind");
        }

        Cat silent = new Cat("--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--timeout", "300");
        assertThat(silent.exitCode()).isEqualTo(CatCommand.EXIT_TIMEOUT);
        assertThat(silent.stderrText()).contains("no message within 300 ms");

        Cat badType = new Cat("--type", "NOPE", "--bind", "tcp://127.0.0.1:*");
        badType.assertUsageError("cat", "unknown socket type 'NOPE'");
    }

    @Test
    void proxyStreamsBetweenTwoCats() throws Exception {
        Cat proxy = new Cat("proxy", "--frontend", "pull@tcp://127.0.0.1:*", "--backend", "push@tcp://127.0.0.1:*");
        int front = proxy.boundPort();
        int back = proxy.boundPort();
        Cat pull = new Cat("--type", "PULL", "--connect", "tcp://127.0.0.1:" + back, "--count", "2");
        Cat push = new Cat("--type", "PUSH", "--connect", "tcp://127.0.0.1:" + front);
        push.write("through", "the proxy").closeInput();
        assertThat(List.of(pull.line(), pull.line())).containsExactly("through", "the proxy");
        assertThat(pull.exitCode()).isZero();

        // A malformed spec is a usage error: exit 2, as picocli's own usage errors.
        Cat bad = new Cat("proxy", "--frontend", "pull:tcp://127.0.0.1:1", "--backend", "push@tcp://127.0.0.1:*");
        bad.assertUsageError("proxy", "TYPE@ENDPOINT");
    }
}
