package io.zmtp.config.console;

import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's bounds hold against many raw connections: open event streams, request bytes held
 * at once by all connections (judged from declared lengths, before any body arrives), open
 * connections; and answers to pipelined requests keep their order. Everything on 127.0.0.1, every
 * loop bounded by the limit it tests.
 */
class ConsoleLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;
    private ConsoleServer console;
    private String cookie;
    private String csrf;
    private final List<Socket> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        ctx = new ZmtpContext(1);
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        server = new ConfigServer(store, new Whitelist().admin("ops", "pw"), "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                Duration.ofMillis(500), ctx);
        server.publish("app/web", List.of(Change.put("k", "v")), "ops", "first");
        console = new ConsoleServer(server, "tcp://127.0.0.1:0", null);
        String body = "{\"user\":\"ops\",\"password\":\"pw\"}";
        try (Socket s = new Socket(console.address().getAddress(), console.address().getPort())) {
            s.setSoTimeout((int) WAIT.toMillis());
            send(s, "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            BufferedReader in = reader(s);
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            String line;
            int length = 0;
            while (!(line = in.readLine()).isEmpty()) {
                if (line.regionMatches(true, 0, "set-cookie:", 0, 11)) {
                    cookie = line.substring(11).trim().split(";")[0];
                }
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            char[] json = new char[length];
            int n = 0;
            while (n < length) {
                n += in.read(json, n, length - n);
            }
            String answer = new String(json);
            csrf = answer.substring(answer.indexOf("\"csrf\":\"") + 8, answer.lastIndexOf('"'));
        }
    }

    @AfterEach
    void tearDown() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        console.close();
        server.close();
        store.close();
        ctx.close();
    }

    @Test
    void atMostAHundredEventStreamsAreOpenAtOnce() throws IOException {
        for (int i = 0; i < ConsoleHandler.MAX_STREAMS; i++) {
            Socket s = connect();
            send(s, streamRequest());
            assertThat(reader(s).readLine()).as("stream " + i).startsWith("HTTP/1.1 200");
        }
        Socket extra = connect();
        send(extra, streamRequest());
        assertThat(reader(extra).readLine()).startsWith("HTTP/1.1 503");

        open.remove(0).close();
        await().atMost(WAIT).until(() -> {
            try (Socket s = new Socket(console.address().getAddress(), console.address().getPort())) {
                s.setSoTimeout((int) WAIT.toMillis());
                send(s, streamRequest());
                return reader(s).readLine().startsWith("HTTP/1.1 200");
            }
        });
    }

    @Test
    void declaredBodiesShareOneBudgetAndAreGivenBackWhenTheirConnectionsGo() throws IOException {
        int each = ConsoleServer.MAX_BODY;
        int fit = (int) (ConsoleServer.BODY_BUDGET / each);
        List<Socket> holders = new ArrayList<>();
        for (int i = 0; i < fit; i++) {
            Socket s = connect();
            send(s, publishHead(each));
            holders.add(s);
        }
        // The holders' heads are in; their bodies never come. One more large body does not fit.
        await().atMost(WAIT).until(() -> {
            try (Socket s = new Socket(console.address().getAddress(), console.address().getPort())) {
                s.setSoTimeout((int) WAIT.toMillis());
                send(s, publishHead(each));
                return reader(s).readLine().startsWith("HTTP/1.1 503");
            }
        });
        for (Socket s : holders) {
            open.remove(s);
            s.close();
        }
        // Once their connections are gone the budget is whole again: a large declared body is let in
        // (and answered for what it is, an empty change set).
        await().atMost(WAIT).until(() -> {
            try (Socket s = new Socket(console.address().getAddress(), console.address().getPort())) {
                s.setSoTimeout((int) WAIT.toMillis());
                String body = "{\"changes\":[]" + " ".repeat(each - 15) + "}";
                send(s, publishHead(body.length()) + body);
                return reader(s).readLine().startsWith("HTTP/1.1 400");
            }
        });
    }

    @Test
    void connectionsPastTheBoundAreClosedAtOnce() throws IOException {
        for (int i = 0; i < ConsoleServer.MAX_CONNECTIONS; i++) {
            connect();
        }
        // Each accepted connection counts once the console's loop has taken it; the next is closed.
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            Socket s = connect();
            s.setSoTimeout(2000);
            return s.getInputStream().read() == -1;
        });
        Socket first = open.get(0);
        send(first, "GET /api/session HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n");
        assertThat(reader(first).readLine()).as("the connections inside the bound are served").startsWith("HTTP/1.1 200");
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrder() throws IOException {
        Socket s = connect();
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            burst.append("GET /api/namespaces HTTP/1.1\r\nHost: x\r\nCookie: ").append(cookie).append("\r\n\r\n");
            burst.append("GET /api/session HTTP/1.1\r\nHost: x\r\nCookie: ").append(cookie).append("\r\n\r\n");
        }
        send(s, burst.toString());
        BufferedReader in = reader(s);
        for (int i = 0; i < 5; i++) {
            assertThat(body(in)).as("answer " + (2 * i)).startsWith("[{\"ns\":\"app/web\"");
            assertThat(body(in)).as("answer " + (2 * i + 1)).startsWith("{\"user\":\"ops\"");
        }
    }

    /** The body of the next answer on {@code in} (its status must be 200). */
    private static String body(BufferedReader in) throws IOException {
        assertThat(in.readLine()).startsWith("HTTP/1.1 200");
        String line;
        int length = 0;
        while (!(line = in.readLine()).isEmpty()) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] b = new char[length];
        int n = 0;
        while (n < length) {
            n += in.read(b, n, length - n);
        }
        return new String(b);
    }

    private String streamRequest() {
        return "GET /api/rollout/events?ns=app%2Fweb HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n";
    }

    private String publishHead(int length) {
        return "POST /api/publish?ns=app%2Fweb HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\nX-CSRF-Token: " + csrf
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n";
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(console.address().getAddress(), console.address().getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        open.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }
}
