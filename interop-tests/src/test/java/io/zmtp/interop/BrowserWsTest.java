package io.zmtp.interop;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import com.sun.net.httpserver.HttpServer;
import io.zmtp.testing.Browser;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real browser on ws: headless Chromium loads a page whose script uses jszmq (ZWS 2.0 over the
 * browser's own WebSocket, bundled from npm with esbuild) to talk to our ROUTER (a DEALER asks, the
 * page shows the answer) and to our PUB (a SUB of "news", the page shows what it got). Skipped on a
 * developer machine without Chromium or the npm packages; failing in CI, which installs both.
 */
class BrowserWsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path NODE_MODULES = LibzmqProcessPeer.Driver.NODE_MODULES;

    @TempDir
    Path dir;

    @Test
    void aPageUsingJszmqTalksToOurRouterAndPub() throws Exception {
        Browser.require();
        Path page = preparePage();
        try (ZmtpContext ctx = new ZmtpContext()) {
            Socket router = ctx.socket(SocketType.ROUTER);
            router.options().linger(0).receiveTimeout(WAIT.toMillis());
            String routerEndpoint = router.bind("ws://127.0.0.1:0/router");
            Socket pub = ctx.socket(SocketType.PUB);
            pub.options().linger(0);
            String pubEndpoint = pub.bind("ws://127.0.0.1:0/pub");
            HttpServer http = serve(page.getParent());
            ChromeDriver browser = Browser.start(dir.resolve("chromium"), 800, 600);
            try {
                browser.get("http://127.0.0.1:" + http.getAddress().getPort() + "/page.html?router="
                        + URLEncoder.encode(routerEndpoint, StandardCharsets.UTF_8)
                        + "&pub=" + URLEncoder.encode(pubEndpoint, StandardCharsets.UTF_8));
                byte[] id;
                try (Message ask = router.receive()) {
                    assertThat(ask).as("the page's DEALER within %s; the page shows: %s", WAIT,
                            browser.findElement(By.tagName("body")).getText()).isNotNull();
                    assertThat(ask.size()).isEqualTo(3);
                    assertThat(ask.string(1)).isEqualTo("hello from the browser");
                    id = ask.bytes(0);
                }
                assertThat(router.send(Message.of(id, "hello from zmtp-netty".getBytes(StandardCharsets.UTF_8)))).isTrue();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                        .until(() -> text(browser, "reply").equals("hello from zmtp-netty"));
                // The SUB's subscription reaches the PUB a moment after it connects: publish until it shows.
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                    pub.send(Message.of("sports", "not subscribed"));
                    pub.send(Message.of("news", "flash"));
                    return text(browser, "news").equals("news:flash");
                });
                assertThat(text(browser, "errors")).isEmpty();
            } finally {
                browser.quit();
                http.stop(0);
            }
        }
    }

    /** The page and its script over HTTP on 127.0.0.1, as a browser gets a web page (the JDK's small server). */
    private static HttpServer serve(Path root) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", exchange -> {
            String name = Path.of(exchange.getRequestURI().getPath()).getFileName() == null ? ""
                    : Path.of(exchange.getRequestURI().getPath()).getFileName().toString();
            Path file = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", name.endsWith(".html") ? "text/html; charset=utf-8"
                    : "text/javascript; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static String text(ChromeDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** The page and jszmq bundled for it (esbuild from npm), in target/browser. */
    private static Path preparePage() throws IOException, InterruptedException {
        Path esbuild = NODE_MODULES.resolve("esbuild/bin/esbuild");
        if (!Files.exists(esbuild) || !Files.isDirectory(NODE_MODULES.resolve("jszmq"))) {
            String why = "jszmq and esbuild are not installed: run npm ci --ignore-scripts --prefix interop-tests/node";
            if ("true".equalsIgnoreCase(System.getenv("CI")) || "true".equalsIgnoreCase(System.getenv("ZMTP_BROWSER_REQUIRED"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        Path out = Path.of("target", "browser").toAbsolutePath();
        Files.createDirectories(out);
        Path entry = copy("/browser/entry.js", out.resolve("entry.js"));
        Path page = copy("/browser/page.html", out.resolve("page.html"));
        ProcessBuilder b = new ProcessBuilder("node", esbuild.toString(), entry.toString(), "--bundle", "--platform=browser",
                "--format=iife", "--define:global=globalThis", "--log-level=warning", "--outfile=" + out.resolve("jszmq.js"))
                .redirectErrorStream(true).redirectOutput(out.resolve("esbuild.log").toFile());
        b.environment().put("NODE_PATH", NODE_MODULES.toString());
        Process p = b.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            Assertions.fail("esbuild could not bundle jszmq: " + Files.readString(out.resolve("esbuild.log")));
        }
        return page;
    }

    private static Path copy(String resource, Path to) throws IOException {
        try (InputStream in = BrowserWsTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }
}
