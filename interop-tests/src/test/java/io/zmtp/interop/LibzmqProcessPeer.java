package io.zmtp.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.testing.LibzmqPeer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A libzmq 4.3 socket living in another process, driven by JSON lines: Debian's libzmq 4.3.4
 * through python3-zmq ({@code libzmq_driver.py}, run by the interpreter {@link LibzmqPeer#PYTHON}
 * names), or libzmq 4.3.5 built with the draft API through zeromq.js ({@code libzmq_draft_driver.js},
 * for CLIENT, SERVER and the other draft types Debian's build lacks). One process ({@link Host})
 * holds any number of sockets.
 */
public final class LibzmqProcessPeer implements Peer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder UNB64 = Base64.getDecoder();
    private static final long SEND_TIMEOUT_MS = 10_000;

    private final Host host;
    private final String type;
    private final int sock;
    private boolean closed;

    private LibzmqProcessPeer(Host host, String type, int sock) {
        this.host = host;
        this.type = type;
        this.sock = sock;
    }

    @Override
    public String who() {
        return host.driver.who;
    }

    @Override
    public String type() {
        return type;
    }

    private ObjectNode command(String op) {
        return JSON.createObjectNode().put("op", op).put("sock", sock);
    }

    @Override
    public String bind(String endpoint) {
        JsonNode r = host.call(command("bind").put("endpoint", endpoint), 10_000);
        Host.check(r, "bind " + endpoint);
        return r.get("endpoint").asText();
    }

    @Override
    public void connect(String endpoint) {
        Host.check(host.call(command("connect").put("endpoint", endpoint), 10_000), "connect " + endpoint);
    }

    @Override
    public void send(List<byte[]> frames) {
        JsonNode r = host.call(sendCommand(frames, SEND_TIMEOUT_MS), SEND_TIMEOUT_MS + 20_000);
        Host.check(r, type + " send");
    }

    @Override
    public String sendOrError(List<byte[]> frames) {
        JsonNode r = host.call(sendCommand(frames, 0), 20_000);
        return r.has("error") ? r.path("name").asText(r.get("error").asText()) : null;
    }

    private ObjectNode sendCommand(List<byte[]> frames, long timeoutMillis) {
        ObjectNode c = command("send").put("timeout", timeoutMillis);
        ArrayNode a = c.putArray("frames");
        for (byte[] f : frames) {
            a.add(B64.encodeToString(f));
        }
        return c;
    }

    @Override
    public List<byte[]> receive(Duration timeout) {
        long ms = Math.max(1, timeout.toMillis());
        JsonNode r = host.call(command("recv").put("timeout", ms), ms + 20_000);
        Host.check(r, type + " recv");
        if (r.has("timeout")) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        for (JsonNode f : r.get("frames")) {
            frames.add(UNB64.decode(f.asText()));
        }
        return frames;
    }

    @Override
    public void subscribe(byte[] prefix) {
        Host.check(host.call(command("subscribe").put("topic", B64.encodeToString(prefix)), 10_000), "subscribe");
    }

    @Override
    public void unsubscribe(byte[] prefix) {
        Host.check(host.call(command("unsubscribe").put("topic", B64.encodeToString(prefix)), 10_000), "unsubscribe");
    }

    @Override
    public void poke() {
        if (!closed && host.isAlive()) {
            Host.check(host.call(command("poke"), 10_000), "poke");
        }
    }

    @Override
    public List<String> events(Duration wait) {
        long ms = Math.max(1, wait.toMillis());
        JsonNode r = host.call(command("events").put("timeout", ms), ms + 20_000);
        Host.check(r, "events");
        List<String> names = new ArrayList<>();
        for (JsonNode n : r.get("events")) {
            names.add(n.asText());
        }
        return names;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (host.isAlive()) {
            Host.check(host.call(command("close"), 10_000), "close");
        }
    }

    /** Which implementation, through which binding. */
    enum Driver {
        /** Debian's libzmq 4.3.4 (no draft API) through python3-zmq. */
        PYTHON("libzmq", "/libzmq_driver.py"),
        /** libzmq 4.3.5 with the draft API, bundled by the npm package zeromq 6.8.0. */
        NODE("libzmq-draft", "/libzmq_draft_driver.js"),
        /** spotify's netty-zmtp 0.4.0 speaking ZMTP/2.0, on Netty 4.0 in a JVM of its own. */
        NETTY_ZMTP20("netty-zmtp-2.0", "/NettyZmtpDriver.java"),
        /** The same, speaking ZMTP/1.0 (no greeting: the identity frame first). */
        NETTY_ZMTP10("netty-zmtp-1.0", "/NettyZmtpDriver.java");

        final String who;
        final String resource;
        private Path script;

        Driver(String who, String resource) {
            this.who = who;
            this.resource = resource;
        }

        /** Where npm installed zeromq.js ({@code npm ci --prefix interop-tests/node}). */
        static final Path NODE_MODULES = Path.of("node", "node_modules").toAbsolutePath();
        /** Where the build copies netty4-zmtp 0.4.0 and the Netty 4.0 it runs on (see the pom). */
        static final Path NETTY_ZMTP_JARS = Path.of("target", "netty-zmtp").toAbsolutePath();

        /** Null when this driver can run here, else why not. */
        String missing() {
            if (this == NODE && !Files.isDirectory(NODE_MODULES.resolve("zeromq"))) {
                return "zeromq.js (libzmq 4.3.5 with the draft API) is not installed: run npm ci --ignore-scripts"
                        + " --prefix interop-tests/node";
            }
            if ((this == NETTY_ZMTP20 || this == NETTY_ZMTP10) && nettyZmtpJars().size() < 2) {
                return "netty4-zmtp 0.4.0 and netty-all 4.0 are not in " + NETTY_ZMTP_JARS
                        + " (the build's generate-test-resources phase copies them there)";
            }
            return null;
        }

        ProcessBuilder command() throws IOException {
            if (this == PYTHON) {
                return new ProcessBuilder(LibzmqPeer.PYTHON, "-u", scriptPath().toString());
            }
            if (this == NETTY_ZMTP20 || this == NETTY_ZMTP10) {
                // A single-file program on Netty 4.0: a JVM of its own keeps it apart from our Netty 4.2.
                List<String> classPath = new ArrayList<>();
                nettyZmtpJars().forEach(j -> classPath.add(j.toString()));
                for (Class<?> c : new Class<?>[] {ObjectMapper.class, com.fasterxml.jackson.core.JsonFactory.class,
                        com.fasterxml.jackson.annotation.JsonProperty.class}) {
                    try {
                        classPath.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
                    } catch (URISyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                }
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                ProcessBuilder b = new ProcessBuilder(java, "-Xmx128m", "-cp",
                        String.join(File.pathSeparator, classPath), scriptPath().toString());
                b.environment().put("ZMTP_PROTOCOL", this == NETTY_ZMTP10 ? "ZMTP10" : "ZMTP20");
                return b;
            }
            ProcessBuilder b = new ProcessBuilder("node", "--no-warnings", scriptPath().toString());
            b.environment().put("NODE_PATH", NODE_MODULES.toString());
            return b;
        }

        private static List<Path> nettyZmtpJars() {
            try (var files = Files.list(NETTY_ZMTP_JARS)) {
                return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
            } catch (IOException e) {
                return List.of();
            }
        }

        private synchronized Path scriptPath() throws IOException {
            if (script == null) {
                URL url = LibzmqProcessPeer.class.getResource(resource);
                if (url == null) {
                    throw new IllegalStateException(resource + " is not on the test classpath");
                }
                if ("file".equals(url.getProtocol())) {
                    try {
                        script = Path.of(url.toURI());
                    } catch (URISyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    String name = resource.substring(1);
                    script = Files.createTempFile(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.')));
                    script.toFile().deleteOnExit();
                    try (InputStream in = url.openStream()) {
                        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return script;
        }
    }

    /** The driver process. Commands are answered in order; each answer repeats its command's id. */
    static final class Host implements PeerHost {
        private static final AtomicInteger PROCESSES = new AtomicInteger();

        private final Driver driver;
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
        private final Path stderr;
        private long nextId;
        private volatile boolean alive = true;

        Host() {
            this(Driver.PYTHON);
        }

        Host(Driver driver) {
            this.driver = driver;
            try {
                stderr = Path.of("target", "libzmq-driver", "process-" + PROCESSES.incrementAndGet() + ".stderr");
                Files.createDirectories(stderr.getParent());
                process = driver.command().redirectError(stderr.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the libzmq driver", e);
            }
            stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> read(process.getInputStream()), "libzmq-driver-" + process.pid());
            reader.setDaemon(true);
            reader.start();
            JsonNode ready = next(20_000);
            if (ready == null || !ready.has("ready")) {
                kill();
                throw new IllegalStateException(driver.who + " driver did not start: " + ready + stderrTail());
            }
        }

        private void read(InputStream in) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    answers.add(JSON.readTree(line));
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        private JsonNode next(long timeoutMillis) {
            try {
                return answers.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /**
         * Sends {@code command} and waits up to {@code timeoutMillis} for its answer. A host that
         * does not answer in time is killed: later answers could not be matched any more.
         */
        synchronized JsonNode call(ObjectNode command, long timeoutMillis) {
            if (!alive) {
                throw new IllegalStateException("libzmq driver is not running" + stderrTail());
            }
            long id = ++nextId;
            command.put("id", id);
            try {
                stdin.write(command.toString());
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                kill();
                throw new IllegalStateException("libzmq driver went away: " + e + stderrTail(), e);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                JsonNode answer = left > 0 ? next(left) : null;
                if (answer == null) {
                    boolean wasAlive = process.isAlive();
                    kill();
                    throw new IllegalStateException("libzmq driver did not answer " + command.get("op") + " within "
                            + timeoutMillis + " ms (process alive: " + wasAlive + ")" + stderrTail());
                }
                if (answer.path("id").asLong(-1) == id) {
                    return answer;
                }
            }
        }

        static void check(JsonNode answer, String what) {
            if (answer.has("error")) {
                throw new IllegalStateException("libzmq " + what + " failed: " + answer.get("error").asText()
                        + " (" + answer.path("name").asText() + ")");
            }
        }

        private String stderrTail() {
            try {
                if (Files.exists(stderr)) {
                    String text = Files.readString(stderr);
                    if (!text.isBlank()) {
                        return "\n" + driver.who + " driver stderr:\n" + text.substring(Math.max(0, text.length() - 2000));
                    }
                }
            } catch (IOException e) {
                // no tail then
            }
            return "";
        }

        @Override
        public Peer open(String type, PeerOptions options) {
            ObjectNode c = JSON.createObjectNode().put("op", "open").put("type", type);
            ObjectNode o = c.putObject("options");
            if (options.identity() != null) {
                o.put("identity", B64.encodeToString(options.identity()));
            }
            if (!options.subscribe().isEmpty()) {
                ArrayNode a = o.putArray("subscribe");
                for (byte[] s : options.subscribe()) {
                    a.add(B64.encodeToString(s));
                }
            }
            if (options.routerMandatory()) {
                o.put("router_mandatory", true);
            }
            if (options.plainServer() != null) {
                ObjectNode users = o.putObject("plain_server");
                for (Map.Entry<String, String> e : options.plainServer().entrySet()) {
                    users.put(e.getKey(), e.getValue());
                }
            }
            if (options.plainUser() != null) {
                o.put("plain_user", options.plainUser()).put("plain_password", options.plainPassword());
            }
            if (options.monitor()) {
                o.put("monitor", true);
            }
            if (!options.sockopts().isEmpty()) {
                ObjectNode so = o.putObject("sockopts");
                options.sockopts().forEach((name, value) -> {
                    if (value instanceof byte[] bytes) {
                        so.putObject(name).put("b64", B64.encodeToString(bytes));
                    } else {
                        so.put(name, (Integer) value);
                    }
                });
            }
            PeerOptions.Curve curve = options.curve();
            if (curve != null) {
                o.put("curve_server", curve.server()).put("curve_publickey", curve.publicKey())
                        .put("curve_secretkey", curve.secretKey());
                if (curve.server()) {
                    ArrayNode allowed = o.putArray("curve_allow");
                    curve.allowed().forEach(allowed::add);
                } else {
                    o.put("curve_serverkey", curve.serverKey());
                }
            }
            PeerOptions.Heartbeat heartbeat = options.heartbeat();
            if (heartbeat != null) {
                o.put("heartbeat_ivl", heartbeat.ivl()).put("heartbeat_timeout", heartbeat.timeout())
                        .put("heartbeat_ttl", heartbeat.ttl());
            }
            JsonNode r = call(c, 10_000);
            check(r, "open " + type);
            return new LibzmqProcessPeer(this, type, r.get("sock").asInt());
        }

        @Override
        public boolean isAlive() {
            return alive && process.isAlive();
        }

        @Override
        public void kill() {
            alive = false;
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public synchronized void close() {
            if (!alive) {
                return;
            }
            alive = false;
            try {
                stdin.write("{\"op\": \"exit\"}\n");
                stdin.flush();
                stdin.close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
