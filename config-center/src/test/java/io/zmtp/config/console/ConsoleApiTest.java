package io.zmtp.config.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.AuthFailureLimit;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.ServerLimits;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's JSON API over real HTTP (the JDK's client) against a real server on an H2 store:
 * sign-in and its limits, the session cookie and the CSRF rule, every read checked against the
 * store, changes, refusals of oversized bodies before they are read, the live rollout stream with
 * a real agent, and /metrics.
 */
class ConsoleApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final String NS = "app/web";

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;
    private ConsoleServer console;
    private ConfigAgent agent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A signed-in session: its cookie header value and CSRF token. */
    private record Login(String cookie, String csrf) {
    }

    @BeforeEach
    void setUp() {
        ctx = new ZmtpContext(2);
        store = H2ConfigStore.open(dir.resolve("data"), new StoreLimits(1024, 1 << 20));
        Whitelist whitelist = new Whitelist().node("web-1", "pw-1", NS).admin("ops", "console-secret");
        server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", HEARTBEAT, ctx, null,
                ServerLimits.DEFAULTS, new AuthFailureLimit(3, 0.01));
        server.publish(NS, List.of(Change.put("color", "blue"), Change.put("threads", "8")), "ops", "first");
        console = new ConsoleServer(server, "tcp://127.0.0.1:0", () -> "# TYPE demo_total counter\ndemo_total 7\n");
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        if (console != null) {
            console.close();
        }
        server.close();
        store.close();
        ctx.close();
    }

    @Test
    void signInSetsAnHttpOnlyStrictCookieAndNeverEchoesThePassword() throws Exception {
        HttpResponse<String> r = post("/api/session", null, "{\"user\":\"ops\",\"password\":\"console-secret\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("zc_session=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        assertThat(r.body()).doesNotContain("console-secret");
        JsonNode who = JSON.readTree(r.body());
        assertThat(who.path("user").asText()).isEqualTo("ops");
        assertThat(who.path("csrf").asText()).hasSizeGreaterThan(40);
        Login login = new Login(cookie.substring(0, cookie.indexOf(';')), who.path("csrf").asText());
        assertThat(get("/api/session", login).statusCode()).isEqualTo(200);

        assertThat(send("DELETE", "/api/session", new Login(login.cookie(), "wrong"), "{}").statusCode()).isEqualTo(403);
        HttpResponse<String> out = send("DELETE", "/api/session", login, "{}");
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(get("/api/session", login).statusCode()).isEqualTo(401);
        assertThat(get("/api/namespaces", login).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongPasswordsAreRefusedThenRateLimitedAndShowAsRefusals() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = post("/api/session", null, "{\"user\":\"ops\",\"password\":\"guess-" + i + "\"}");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("bad-credentials");
            assertThat(r.body()).doesNotContain("guess-" + i);
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        }
        HttpResponse<String> limited = post("/api/session", null, "{\"user\":\"ops\",\"password\":\"console-secret\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(server.tracker().refusals()).anySatisfy(e -> {
            assertThat(e.ports()).contains("console");
            assertThat(e.address()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void everyChangeNeedsTheSessionsCsrfTokenAndEveryCallASession() throws Exception {
        Login login = signIn();
        String body = "{\"changes\":[{\"op\":\"put\",\"key\":\"color\",\"value\":\"red\"}],\"message\":\"m\"}";
        assertThat(post("/api/publish?ns=app/web", new Login(login.cookie(), null), body).statusCode()).isEqualTo(403);
        assertThat(post("/api/publish?ns=app/web", new Login(login.cookie(), "x" + login.csrf()), body).statusCode()).isEqualTo(403);
        assertThat(post("/api/publish?ns=app/web", new Login(null, login.csrf()), body).statusCode()).isEqualTo(401);
        assertThat(post("/api/publish?ns=app/web", new Login("zc_session=forged", login.csrf()), body).statusCode()).isEqualTo(401);
        assertThat(store.latestRevision(NS)).isEqualTo(1);
        HttpResponse<String> ok = post("/api/publish?ns=app/web", login, body);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).path("rev").asLong()).isEqualTo(2);
        assertThat(store.history(NS, 1, 1).get(0).author()).isEqualTo("ops");
        assertThat(store.history(NS, 1, 1).get(0).source()).isEqualTo("127.0.0.1");
    }

    @Test
    void readsAnswerWhatTheStoreHolds() throws Exception {
        Login login = signIn();
        server.publish(NS, List.of(Change.put("color", "green"), Change.delete("threads")), "ops", "second");

        JsonNode list = json(get("/api/namespaces", login));
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("ns").asText()).isEqualTo(NS);
        assertThat(list.get(0).path("rev").asLong()).isEqualTo(2);
        assertThat(list.get(0).path("digest").asText()).isEqualTo(store.snapshot(NS).digest());

        JsonNode latest = json(get("/api/namespace?ns=app/web", login));
        assertThat(latest.path("rev").asLong()).isEqualTo(2);
        assertThat(latest.path("entries")).hasSize(1);
        assertThat(latest.path("entries").get(0).path("value").asText()).isEqualTo("green");
        JsonNode first = json(get("/api/namespace?ns=app/web&rev=1", login));
        assertThat(first.path("digest").asText()).isEqualTo(store.snapshotAt(NS, 1).orElseThrow().digest());
        assertThat(first.path("entries")).hasSize(2);

        JsonNode history = json(get("/api/history?ns=app/web", login));
        assertThat(history).hasSize(2);
        assertThat(history.get(1).path("message").asText()).isEqualTo("second");
        assertThat(history.get(1).path("author").asText()).isEqualTo("ops");

        JsonNode diff = json(get("/api/diff?ns=app/web&from=1&to=2", login));
        assertThat(diff).hasSize(2);
        assertThat(diff.get(0).path("key").asText()).isEqualTo("color");
        assertThat(diff.get(0).path("before").asText()).isEqualTo("blue");
        assertThat(diff.get(0).path("after").asText()).isEqualTo("green");
        assertThat(diff.get(1).path("after").isNull()).isTrue();

        JsonNode preview = json(post("/api/preview?ns=app/web", login,
                "{\"changes\":[{\"op\":\"put\",\"key\":\"color\",\"value\":\"red\"},{\"op\":\"put\",\"key\":\"color2\",\"value\":\"x\"}]}"));
        assertThat(preview).hasSize(2);
        assertThat(preview.get(0).path("before").asText()).isEqualTo("green");
        assertThat(store.latestRevision(NS)).as("a preview commits nothing").isEqualTo(2);

        JsonNode back = json(post("/api/rollback?ns=app/web", login, "{\"rev\":1,\"message\":\"undo\"}"));
        assertThat(back.path("rev").asLong()).isEqualTo(3);
        assertThat(store.snapshot(NS).sameContent(store.snapshotAt(NS, 1).orElseThrow())).isTrue();

        assertThat(get("/api/namespace?ns=app/web&rev=99", login).statusCode()).isEqualTo(404);
        assertThat(get("/api/namespace?ns=..%2Fetc", login).statusCode()).isEqualTo(400);
        assertThat(get("/api/diff?ns=app/web&from=1", login).statusCode()).isEqualTo(400);
        assertThat(get("/api/nothing", login).statusCode()).isEqualTo(404);
        assertThat(post("/api/publish?ns=app/web", login, "not json").statusCode()).isEqualTo(400);
        assertThat(post("/api/publish?ns=app/web", login, "{\"changes\":[]}").statusCode()).isEqualTo(400);
    }

    @Test
    void grayReleasesArePublishedPromotedAndAbortedFromTheConsole() throws Exception {
        Login login = signIn();
        JsonNode gray = json(post("/api/publish?ns=app/web", login,
                "{\"changes\":[{\"op\":\"put\",\"key\":\"color\",\"value\":\"green\"}],\"message\":\"try\",\"to\":\"1\"}"));
        assertThat(gray.path("rev").asLong()).isEqualTo(2);
        assertThat(store.grayRelease(NS)).isPresent();
        assertThat(store.latestRevision(NS)).as("a gray revision is not the main line's").isEqualTo(1);
        JsonNode listed = json(get("/api/namespaces", login)).get(0).path("gray");
        assertThat(listed.path("rev").asLong()).isEqualTo(2);
        assertThat(listed.path("nodes").get(0).asText()).isEqualTo("web-1");

        HttpResponse<String> busy = post("/api/publish?ns=app/web", login,
                "{\"changes\":[{\"op\":\"put\",\"key\":\"color\",\"value\":\"red\"}]}");
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(busy.body()).path("error").asText()).isEqualTo("gray-open");

        assertThat(json(post("/api/promote?ns=app/web", login, "{\"message\":\"fine\"}")).path("rev").asLong()).isEqualTo(2);
        assertThat(store.latestRevision(NS)).isEqualTo(2);
        assertThat(store.grayRelease(NS)).isEmpty();

        json(post("/api/publish?ns=app/web", login,
                "{\"changes\":[{\"op\":\"put\",\"key\":\"color\",\"value\":\"red\"}],\"to\":\"100%\"}"));
        JsonNode aborted = json(post("/api/abort?ns=app/web", login, "{\"message\":\"no\"}"));
        assertThat(aborted.path("rev").asLong()).isEqualTo(4);
        assertThat(store.snapshot(NS).get("color").map(String::new)).contains("green");
        HttpResponse<String> none = post("/api/abort?ns=app/web", login, "{}");
        assertThat(none.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(none.body()).path("error").asText()).isEqualTo("no-gray");
        JsonNode history = json(get("/api/history?ns=app/web", login));
        assertThat(history.get(2).path("gray").path("state").asText()).isEqualTo("aborted");
    }

    @Test
    void oversizedChangeSetsAndBodiesAreRefusedWithAClearError() throws Exception {
        Login login = signIn();
        String big = "v".repeat(2000);
        HttpResponse<String> r = post("/api/publish?ns=app/web", login,
                "{\"changes\":[{\"op\":\"put\",\"key\":\"big\",\"value\":\"" + big + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(413);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.path("error").asText()).isEqualTo("too-large");
        assertThat(e.path("message").asText()).contains("big");
        assertThat(store.latestRevision(NS)).isEqualTo(1);

        // Declared lengths are judged before a byte of the body is read.
        assertThat(raw("POST /api/publish?ns=app/web HTTP/1.1\r\nHost: x\r\nCookie: " + login.cookie()
                + "\r\nX-CSRF-Token: " + login.csrf() + "\r\nContent-Length: " + (ConsoleServer.MAX_BODY + 1) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 413");
        assertThat(raw("POST /api/publish?ns=app/web HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n"))
                .as("a large body without a session").startsWith("HTTP/1.1 401");
        assertThat(raw("POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"))
                .as("a sign-in body is small").startsWith("HTTP/1.1 413");
        assertThat(raw("POST /api/publish?ns=app/web HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .startsWith("HTTP/1.1 411");
    }

    @Test
    void theRolloutStreamFollowsARealAgent() throws Exception {
        Login login = signIn();
        agent = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint()).node("web-1", "pw-1")
                .namespaces(NS).context(ctx).cacheDir(dir.resolve("cache")).reportInterval(HEARTBEAT).start();
        await().atMost(WAIT).until(() -> agent.revision(NS) == 1);

        List<JsonNode> events = new CopyOnWriteArrayList<>();
        HttpRequest req = HttpRequest.newBuilder(uri("/api/rollout/events?ns=app/web")).header("Cookie", login.cookie()).build();
        HttpResponse<Stream<String>> stream = http.send(req, HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        Thread reader = new Thread(() -> stream.body().filter(l -> l.startsWith("data: ")).forEach(l -> {
            try {
                events.add(JSON.readTree(l.substring(6)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.path("rev").asLong() == 1
                    && node(e).path("state").asText().equals("applied")));

            post("/api/publish?ns=app/web", login, "{\"changes\":[{\"op\":\"put\",\"key\":\"color\",\"value\":\"red\"}]}");
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.path("rev").asLong() == 2));
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.path("rev").asLong() == 2
                    && node(e).path("applied").asLong() == 2 && node(e).path("digestOk").asBoolean()));
            assertThat(agent.revision(NS)).isEqualTo(2);
        } finally {
            stream.body().close();
        }
        assertThat(get("/api/rollout?ns=app/web", login).body()).contains("\"applied\":2");
    }

    @Test
    void pageMetricsAndHeaders() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"signin-user\"").doesNotContain("<script>");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(get("/app.js", null).headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");

        HttpResponse<String> metrics = get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("demo_total 7");

        try (ConsoleServer none = new ConsoleServer(server, "tcp://127.0.0.1:0", null)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(none.url() + "metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theServersMetersAtSlashMetricsMoveWithRealTraffic() throws Exception {
        try (ConsoleServer withMeters = new ConsoleServer(server, "tcp://127.0.0.1:0", server.metrics()::scrape)) {
            URI base = URI.create(withMeters.url());
            double before = sample(scrape(base), "zmtp_config_revisions_published_total");
            assertThat(post("/api/session", null, "{\"user\":\"ops\",\"password\":\"nope\"}").statusCode()).isEqualTo(401);
            Login login = signIn();
            for (int i = 0; i < 3; i++) {
                assertThat(post("/api/publish?ns=app/web", login,
                        "{\"changes\":[{\"op\":\"put\",\"key\":\"n\",\"value\":\"" + i + "\"}]}").statusCode()).isEqualTo(200);
            }
            String text = scrape(base);
            assertThat(sample(text, "zmtp_config_revisions_published_total")).isEqualTo(before + 3);
            assertThat(sample(text, "zmtp_config_publish_latency_seconds_count")).isGreaterThanOrEqualTo(3);
            assertThat(text).containsPattern("zmtp_config_refusals_total\\{[^}]*port=\"console\"[^}]*\\} 1\\.0");
        }
    }

    private String scrape(URI base) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of the first sample of {@code metric} (any labels), 0 when it is not there. */
    private static double sample(String text, String metric) {
        return text.lines().filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode node(JsonNode rollout) {
        return rollout.path("nodes").path(0);
    }

    private Login signIn() throws Exception {
        HttpResponse<String> r = post("/api/session", null, "{\"user\":\"ops\",\"password\":\"console-secret\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Login(cookie.substring(0, cookie.indexOf(';')), JSON.readTree(r.body()).path("csrf").asText());
    }

    private URI uri(String path) {
        return URI.create(console.url()).resolve(path);
    }

    private HttpResponse<String> get(String path, Login login) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(WAIT);
        if (login != null && login.cookie() != null) {
            b.header("Cookie", login.cookie());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Login login, String body) throws Exception {
        return send("POST", path, login, body);
    }

    private HttpResponse<String> send(String method, String path, Login login, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(WAIT)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (login != null && login.cookie() != null) {
            b.header("Cookie", login.cookie());
        }
        if (login != null && login.csrf() != null) {
            b.header("X-CSRF-Token", login.csrf());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Sends raw request bytes (a head without its body) and returns the status line of the answer. */
    private String raw(String head) throws Exception {
        try (Socket s = new Socket(console.address().getAddress(), console.address().getPort())) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
