package io.zmtp.config.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code demo --http} and {@code server --http} as a user runs them, each in a JVM of its own: the
 * console's address is printed, the console answers there (sign-in with the admin the command
 * names, the namespaces, /metrics), and it keeps serving until the process is stopped.
 */
class ConsoleCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    @Test
    void theDemoKeepsServingTheConsoleAfterItsRunUntilStopped() throws Exception {
        Process p = start("demo", "--agents", "3", "--http", "tcp://127.0.0.1:0");
        try {
            String url = urlFrom(p, "console: ");
            assertThat(post(url + "api/session", "{\"user\":\"demo\",\"password\":\"demo-admin\"}").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(url + "metrics");
            assertThat(metrics.body()).contains("zmtp_config_revisions_published_total");
            // Still serving a moment later (it waits for the process to be stopped, not for a timeout).
            assertThat(p.waitFor(2, TimeUnit.SECONDS)).isFalse();
            assertThat(get(url).statusCode()).isEqualTo(200);
        } finally {
            p.destroy();
            assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theServerServesTheConsoleWithHttp() throws Exception {
        Path whitelist = Files.writeString(dir.resolve("whitelist"), "admin ops console-pw\nnode web-1 pw app/web\n");
        Process p = start("server", "--data", dir.resolve("data").toString(), "--whitelist", whitelist.toString(),
                "--updates", "tcp://127.0.0.1:*", "--sync", "tcp://127.0.0.1:*", "--http", "tcp://127.0.0.1:0");
        try {
            String url = urlFrom(p, "config-center console: ");
            assertThat(get(url).body()).contains("id=\"signin-user\"");
            assertThat(post(url + "api/session", "{\"user\":\"ops\",\"password\":\"wrong\"}").statusCode()).isEqualTo(401);
            assertThat(post(url + "api/session", "{\"user\":\"ops\",\"password\":\"console-pw\"}").statusCode()).isEqualTo(200);
            assertThat(get(url + "metrics").body()).contains("zmtp_config_refusals_total{limited=\"false\",port=\"console\"}");
        } finally {
            p.destroy();
            assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    private Process start(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                ConfigCenterCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the process's output up to the line starting with {@code prefix}, and the URL in it. */
    private static String urlFrom(Process p, String prefix) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("the line starting '" + prefix + "'").isNotNull();
        // Keep draining the output so the process never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        }, "drain");
        drain.setDaemon(true);
        drain.start();
        Matcher m = URL.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
