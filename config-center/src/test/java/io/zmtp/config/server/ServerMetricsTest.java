package io.zmtp.config.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.codec.SocketType;
import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.protocol.Wire;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The config server's meters move with real traffic: an H2 store, an agent, an admin, a stranger. */
class ServerMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /**
     * The value of the sample named {@code name} whose labels include each of {@code labels}
     * ({@code key="value"}), summed over the matching samples; 0 when none.
     */
    static double sample(String scrape, String name, String... labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String metric = brace >= 0 ? line.substring(0, brace) : line.substring(0, Math.max(space, 0));
            if (!metric.equals(name)) {
                continue;
            }
            String labelText = brace >= 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            boolean all = true;
            for (String l : labels) {
                all &= labelText.contains(l);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(space + 1));
            }
        }
        return sum;
    }

    @Test
    void metersMoveWithPublishesReportsRefusalsAndTraffic() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw1", "app/*").admin("ops", "adm");
        try (ZmtpContext ctx = new ZmtpContext(2);
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(300), ctx)) {
            ServerMetrics metrics = server.metrics();
            assertThat(sample(metrics.scrape(), "zmtp_config_revisions_published_total")).isZero();

            server.publish("app/web", List.of(Change.put("k", "v1")), "ops", "first");
            ConfigAgent agent = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                    .node("web-1", "pw1").namespaces("app/web").context(ctx).start();
            try {
                await().atMost(WAIT).until(() -> agent.revision("app/web") == 1);
                await().atMost(WAIT).until(() -> server.tracker().report("web-1", "app/web") != null);

                // The agent is online and waited for: its report of r2 ends the rollout.
                server.publish("app/web", List.of(Change.put("k", "v2")), "ops", "second");
                await().atMost(WAIT).until(() -> agent.revision("app/web") == 2);
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(sample(metrics.scrape(), "zmtp_config_rollout_duration_seconds_count")).isEqualTo(1));

                // An admin's put over the sync socket: counted from its request to its UPDATE.
                Socket admin = ctx.socket(SocketType.DEALER);
                admin.options().linger(0).plainCredentials("ops", "adm");
                admin.connect(server.syncEndpoint());
                ObjectNode put = Wire.object().put("op", "put").put("req", 1).put("ns", "app/web").put("message", "third");
                put.putArray("changes").addObject().put("key", "k").put("op", "put");
                assertThat(admin.send(Wire.command(Wire.ADMIN, put).add("v3".getBytes(StandardCharsets.UTF_8)), WAIT))
                        .isTrue();
                try (Message answer = admin.receive(WAIT)) {
                    assertThat(answer).isNotNull();
                    assertThat(Wire.header(answer.bytes(1)).get("rev").asLong()).isEqualTo(3);
                }
                await().atMost(WAIT).until(() -> agent.revision("app/web") == 3);
                admin.close();

                // A node with a wrong password is refused on the sync port.
                Socket stranger = ctx.socket(SocketType.DEALER);
                stranger.options().linger(0).plainCredentials("web-1", "wrong");
                stranger.connect(server.syncEndpoint());
                await().atMost(WAIT).untilAsserted(() -> assertThat(sample(metrics.scrape(),
                        "zmtp_config_refusals_total", "port=\"sync\"", "limited=\"false\"")).isEqualTo(1));
                stranger.close();

                await().atMost(WAIT).untilAsserted(() -> {
                    String text = metrics.scrape();
                    assertThat(sample(text, "zmtp_config_revisions_published_total")).isEqualTo(3);
                    assertThat(sample(text, "zmtp_config_publish_latency_seconds_count")).isEqualTo(3);
                    assertThat(sample(text, "zmtp_config_rollout_duration_seconds_count")).isGreaterThanOrEqualTo(2);
                    assertThat(sample(text, "zmtp_config_nodes", "state=\"online\"")).isEqualTo(1);
                    assertThat(sample(text, "zmtp_config_nodes", "state=\"offline\"")).isZero();
                    assertThat(sample(text, "zmtp_config_rollout_nodes", "state=\"applied\"")).isEqualTo(1);
                    assertThat(sample(text, "zmtp_config_rollout_nodes", "state=\"pending\"")).isZero();
                    // Three UPDATEs and heartbeats went out on PUB; SYNCs, REPORTs and a put came in on the ROUTER.
                    assertThat(sample(text, "zmtp_socket_messages_total", "role=\"updates\"", "direction=\"out\""))
                            .isGreaterThanOrEqualTo(3);
                    assertThat(sample(text, "zmtp_socket_messages_total", "role=\"sync\"", "direction=\"in\""))
                            .isGreaterThanOrEqualTo(2);
                    assertThat(sample(text, "zmtp_socket_bytes_total", "role=\"sync\"", "direction=\"out\""))
                            .isPositive();
                    assertThat(sample(text, "zmtp_socket_handshake_failures_total", "role=\"sync\"", "reason=\"auth\""))
                            .isEqualTo(1);
                    assertThat(sample(text, "zmtp_socket_peers", "role=\"updates\"")).isEqualTo(1);
                    assertThat(text).contains("jvm_memory_used_bytes");
                });
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void aMetricsGivenToTheServerIsTheOneItRecordsIntoAndOutlivesIt() throws Exception {
        Whitelist whitelist = new Whitelist().node("web-1", "pw1", "app/*").admin("ops", "adm");
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        try (ServerMetrics metrics = new ServerMetrics(registry);
             H2ConfigStore store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults())) {
            try (ConfigServer server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                    Duration.ofMillis(300), null, null, ServerLimits.DEFAULTS, AuthFailureLimit.DEFAULTS, metrics)) {
                assertThat(server.metrics()).isSameAs(metrics);
                server.publish("app/web", List.of(Change.put("k", "v1")), "ops", "first");
                // No node online: nothing to wait for, so no rollout is timed.
                assertThat(sample(registry.scrape(), "zmtp_config_revisions_published_total")).isEqualTo(1);
                assertThat(sample(registry.scrape(), "zmtp_config_rollout_duration_seconds_count")).isZero();
                assertThat(sample(registry.scrape(), "zmtp_config_rollout_nodes", "state=\"offline\"")).isEqualTo(1);
                assertThat(registry.scrape()).contains("zmtp_socket_messages_total").doesNotContain("jvm_memory");
            }
            // The server took its sockets' meters with it; its own counts stay.
            assertThat(registry.scrape()).doesNotContain("zmtp_socket_messages_total");
            assertThat(sample(metrics.scrape(), "zmtp_config_revisions_published_total")).isEqualTo(1);
        } finally {
            registry.close();
        }
    }
}
