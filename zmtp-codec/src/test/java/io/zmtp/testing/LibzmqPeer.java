package io.zmtp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A libzmq 4.3 socket in a Python process (Debian's python3-zmq), driven by JSON lines. Skips the
 * test when python3-zmq is missing on a developer machine; fails instead under CI=true.
 */
public final class LibzmqPeer implements AutoCloseable {
    public static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static Path script;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    /** The port the peer bound, or -1 when it connected. */
    public final int port;

    public static void assumeAvailable() {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        if (!ok && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("python3-zmq is required in CI (apt-get install python3-zmq)");
        }
        assumeTrue(ok, "python3-zmq not installed (apt-get install python3-zmq): libzmq interop skipped");
    }

    public LibzmqPeer(String type, String how, String endpoint, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, scriptPath().toString(), type, how, endpoint));
        cmd.addAll(List.of(options));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> readLines(process.getInputStream()), "libzmq-peer-stdout");
        reader.setDaemon(true);
        reader.start();
        int p = -1;
        JsonNode first = next(20_000);
        if (first.has("port")) {
            p = first.get("port").asInt();
            first = next(20_000);
        }
        if (!first.has("ready")) {
            throw new IllegalStateException("libzmq peer did not start: " + first);
        }
        port = p;
    }

    private void readLines(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            // process ended
        }
    }

    private static synchronized Path scriptPath() throws IOException {
        if (script == null) {
            script = Files.createTempFile("pyzmq_socket_peer", ".py");
            script.toFile().deleteOnExit();
            try (InputStream in = LibzmqPeer.class.getResourceAsStream("/pyzmq_socket_peer.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return script;
    }

    private JsonNode next(long timeoutMillis) throws InterruptedException {
        JsonNode n = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (n == null) {
            throw new IllegalStateException("libzmq peer said nothing within " + timeoutMillis + " ms (alive: " + process.isAlive() + ")");
        }
        return n;
    }

    private JsonNode call(ObjectNode command, long timeoutMillis) throws IOException, InterruptedException {
        stdin.write(command.toString() + "\n");
        stdin.flush();
        return next(timeoutMillis);
    }

    public void send(byte[]... frames) throws IOException, InterruptedException {
        ObjectNode c = JSON.createObjectNode().put("op", "send");
        for (byte[] f : frames) {
            c.withArray("frames").add(HEX.formatHex(f));
        }
        call(c, 20_000);
    }

    public void send(String... frames) throws IOException, InterruptedException {
        byte[][] b = new byte[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            b[i] = frames[i].getBytes(StandardCharsets.UTF_8);
        }
        send(b);
    }

    /** The next message as raw frames, or null when none came within {@code timeoutMillis}. */
    public List<byte[]> receive(long timeoutMillis) throws IOException, InterruptedException {
        JsonNode r = call(JSON.createObjectNode().put("op", "recv").put("timeout", timeoutMillis), timeoutMillis + 20_000);
        if (r.has("timeout")) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        for (JsonNode f : r.get("frames")) {
            frames.add(HEX.parseHex(f.asText()));
        }
        return frames;
    }

    /** The next message as UTF-8 frames, or null on timeout. */
    public List<String> receiveStrings(long timeoutMillis) throws IOException, InterruptedException {
        List<byte[]> frames = receive(timeoutMillis);
        if (frames == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(new String(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    public void subscribe(String topic) throws IOException, InterruptedException {
        call(JSON.createObjectNode().put("op", "subscribe").put("topic", HEX.formatHex(topic.getBytes(StandardCharsets.UTF_8))), 20_000);
    }

    /** Monitor event names the peer saw (started with the {@code monitor=1} option), waiting up to {@code timeoutMillis} for the first. */
    public List<String> events(long timeoutMillis) throws IOException, InterruptedException {
        JsonNode r = call(JSON.createObjectNode().put("op", "events").put("timeout", timeoutMillis), timeoutMillis + 20_000);
        List<String> out = new ArrayList<>();
        for (JsonNode n : r.get("events")) {
            out.add(n.asText());
        }
        return out;
    }

    @Override
    public void close() {
        try {
            stdin.write("{\"op\": \"close\"}\n");
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
