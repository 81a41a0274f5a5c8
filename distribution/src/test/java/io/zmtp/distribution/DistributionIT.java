package io.zmtp.distribution;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tarball as a user gets it: unpacked with tar, its scripts run as processes with JAVA_HOME
 * set to this JVM's home. Processes talk over 127.0.0.1 only.
 */
class DistributionIT {
    /** Upper bounds only: every wait below ends as soon as its condition holds. */
    private static final long COMMAND_SECONDS = 60;
    private static final long DEMO_SECONDS = 180;
    private static final Pattern BOUND = Pattern.compile("zmtp: bound tcp://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    static Path unpacked;
    static Path home;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("dist.tarball"));
        assertThat(tarball).as("the tarball built in the package phase").isRegularFile();
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)).as("tar exits").isTrue();
        assertThat(tar.exitValue()).as("tar: " + out).isZero();
        home = unpacked.resolve("zmtp-netty-" + System.getProperty("dist.version"));
    }

    /** One command of the distribution, running, with its output lines in queues. */
    private final class Command {
        final Process process;
        final Writer stdin;
        final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        final BlockingQueue<String> err = new LinkedBlockingQueue<>();
        private final List<Thread> pumps = new ArrayList<>();

        Command(Map<String, String> env, Path script, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(script.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(unpacked.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("JAVA") || k.equals("CLASSPATH"));
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            // Quick start-up of the short-lived JVMs on a small machine.
            pb.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            pb.environment().putAll(env);
            process = pb.start();
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
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
            pumps.add(t);
        }

        /** Waits for the process to end and for its output to be read to the end. */
        int exitCode(long seconds) throws InterruptedException {
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("exits within " + seconds + " s; stderr:\n"
                    + String.join("\n", err)).isTrue();
            for (Thread t : pumps) {
                t.join(TimeUnit.SECONDS.toMillis(COMMAND_SECONDS));
            }
            return process.exitValue();
        }

        /** The port of the "zmtp: bound tcp://127.0.0.1:PORT" line on stderr. */
        int boundPort() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_SECONDS);
            String line;
            while ((line = err.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                Matcher m = BOUND.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            throw new AssertionError("no 'bound' line on stderr within " + COMMAND_SECONDS + " s");
        }

        String line() throws InterruptedException {
            String l = out.poll(COMMAND_SECONDS, TimeUnit.SECONDS);
            assertThat(l).as("a line on stdout within " + COMMAND_SECONDS + " s").isNotNull();
            return l;
        }

        /** What is left on stdout (all of it after {@link #exitCode}), as one text. */
        String outText() {
            return String.join("\n", out);
        }

        String errText() {
            return String.join("\n", err);
        }
    }

    private Command run(Path script, String... args) throws IOException {
        return new Command(Map.of(), script, args);
    }

    private Path zmtp() {
        return home.resolve("bin/zmtp");
    }

    private Path configCenter() {
        return home.resolve("bin/config-center");
    }

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void layout() throws IOException {
        for (Path script : List.of(zmtp(), configCenter())) {
            assertThat(Files.getPosixFilePermissions(script)).as(script + " is executable")
                    .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        }
        List<String> jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        String version = System.getProperty("dist.version");
        assertThat(jars).contains("zmtp-codec-" + version + ".jar", "patterns-" + version + ".jar",
                "config-center-" + version + ".jar");
        assertThat(jars).anyMatch(j -> j.startsWith("slf4j-simple-")).anyMatch(j -> j.startsWith("netty-transport-"));
        // Libraries and their runtime dependencies only: no test jars, no test libraries, no bench or interop.
        assertThat(jars).noneMatch(j -> j.contains("-tests") || j.startsWith("junit") || j.startsWith("assertj")
                || j.startsWith("bench-") || j.startsWith("interop-tests-") || j.startsWith("jeromq"));
        for (String file : List.of("INSTALL", "CHANGELOG.md", "conf/simplelogger.properties", "conf/whitelist.example",
                "conf/systemd/config-center-server.service", "conf/systemd/config-center-agent.service")) {
            assertThat(home.resolve(file)).isRegularFile();
        }
    }

    @Test
    void zmtpCatHelp() throws Exception {
        Command help = run(zmtp(), "cat", "--help");
        assertThat(help.exitCode(COMMAND_SECONDS)).isZero();
        assertThat(help.outText()).contains("Usage: zmtp cat").contains("--type").contains("--bind").contains("--connect");
    }

    @Test
    void zmtpCatPushToPull() throws Exception {
        Command pull = run(zmtp(), "cat", "--type", "PULL", "--bind", "tcp://127.0.0.1:*", "--count", "2",
                "--timeout", String.valueOf(TimeUnit.SECONDS.toMillis(COMMAND_SECONDS)));
        int port = pull.boundPort();
        Command push = run(zmtp(), "cat", "--type", "PUSH", "--connect", "tcp://127.0.0.1:" + port,
                "--linger", String.valueOf(TimeUnit.SECONDS.toMillis(COMMAND_SECONDS)));
        push.stdin.write("hello from the tarball\nsecond line\n");
        push.stdin.close();
        assertThat(List.of(pull.line(), pull.line())).containsExactly("hello from the tarball", "second line");
        assertThat(pull.exitCode(COMMAND_SECONDS)).isZero();
        assertThat(push.exitCode(COMMAND_SECONDS)).isZero();
    }

    @Test
    void configCenterDemoConverges() throws Exception {
        Command demo = run(configCenter(), "demo", "--agents", "3", "--timeout", "90s");
        assertThat(demo.exitCode(DEMO_SECONDS)).as(demo.outText()).isZero();
        assertThat(demo.out).anyMatch(l -> l.startsWith("CONVERGED in ") && l.contains("3 agents"));
    }

    @Test
    void scriptsRunJavaHomesJavaWithJavaOptsThroughASymbolicLink() throws Exception {
        // A JAVA_HOME whose bin/java names each argument on stderr, then runs the real one.
        Path fakeJava = Files.createDirectories(unpacked.resolve("fake-jdk/bin")).resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"fake-jdk arg: $a\" >&2; done\n"
                + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
        fakeJava.toFile().setExecutable(true);
        Path link = Files.createSymbolicLink(unpacked.resolve("zmtp-link"), zmtp());

        Command version = new Command(Map.of("JAVA_HOME", unpacked.resolve("fake-jdk").toString(),
                "JAVA_OPTS", "-Xmx64m -Dzmtp.marker=1"), link, "--version");
        assertThat(version.exitCode(COMMAND_SECONDS)).as(version.errText()).isZero();
        assertThat(version.outText()).isEqualTo("zmtp 0.1.0");
        // JAVA_OPTS as separate options, then the install directory found through the link.
        Path real = home.toRealPath();
        assertThat(version.err).containsSubsequence("fake-jdk arg: -Xmx64m", "fake-jdk arg: -Dzmtp.marker=1",
                "fake-jdk arg: -cp", "fake-jdk arg: " + real.resolve("conf") + ":" + real.resolve("lib") + "/*",
                "fake-jdk arg: io.zmtp.cli.ZmtpCommand", "fake-jdk arg: --version");
    }

    @Test
    void aJavaHomeWithoutJavaIsReportedInOneLine() throws Exception {
        Command c = new Command(Map.of("JAVA_HOME", unpacked.resolve("no-such-jdk").toString()), configCenter(), "--help");
        assertThat(c.exitCode(COMMAND_SECONDS)).isEqualTo(1);
        assertThat(c.errText()).contains("config-center: JAVA_HOME is").contains("not an executable");
    }
}
