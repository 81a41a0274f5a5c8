package io.zmtp.config.server;

import io.zmtp.config.model.NodeReport;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The nodes' reports reach the store from the writer's thread; a failed write loses none of them. */
class ReportWriterTest {
    @TempDir
    Path dir;

    private static NodeReport report(String node, long rev) {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new NodeReport(node, "app/web", rev, String.format("%064x", rev), t, t);
    }

    @Test
    void aFailedWriteKeepsItsReportsForTheNextBatch() {
        AtomicInteger attempts = new AtomicInteger();
        try (H2ConfigStore real = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults())) {
            ConfigStore failingOnce = (ConfigStore) Proxy.newProxyInstance(ConfigStore.class.getClassLoader(),
                    new Class<?>[] {ConfigStore.class}, (proxy, method, args) -> {
                        if (method.getName().equals("recordReports") && attempts.incrementAndGet() == 1) {
                            throw new IllegalStateException("the database is away");
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            NodeTracker tracker = new NodeTracker();
            ReportWriter writer = new ReportWriter(failingOnce, tracker, "report-writer-test");
            try {
                tracker.report(report("n1", 1));
                tracker.report(report("n2", 1));
                writer.due();
                await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 1);
                // Meanwhile n2 reports a newer revision: that one, not the failed batch's, is written.
                tracker.report(report("n2", 2));
                writer.due();
                await().atMost(Duration.ofSeconds(10)).until(() -> real.reports().size() == 2);
                assertThat(real.reports()).extracting(NodeReport::nodeId, NodeReport::revision)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", 1L), org.assertj.core.groups.Tuple.tuple("n2", 2L));
                tracker.report(report("n3", 1));
            } finally {
                writer.close();
            }
            assertThat(real.reports()).extracting(NodeReport::nodeId).as("closing writes what is left")
                    .containsExactly("n1", "n2", "n3");
        }
    }
}
