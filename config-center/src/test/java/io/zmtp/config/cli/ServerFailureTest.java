package io.zmtp.config.cli;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.ConfigStore;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An Error that escapes the server thread (OutOfMemoryError above all) used to kill that thread
 * and leave the process up, accepting connections and never answering: a zombie nothing would
 * restart. Now the server closes its sockets and the {@code server} command returns a non-zero
 * status, which its {@code main} makes the process's exit status.
 */
class ServerFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anErrorInTheServerThreadClosesTheServerAndEndsTheCommandWithStatus70() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        try (ZmtpContext ctx = new ZmtpContext();
             H2ConfigStore h2 = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
             ConfigServer server = new ConfigServer(failingWhenArmed(h2, armed),
                     new Whitelist().node("web-1", "pw", "app/web"), "tcp://127.0.0.1:*", "tcp://127.0.0.1:*",
                     Duration.ofMillis(100), ctx)) {
            server.publish("app/web", List.of(Change.put("k", "v")), "test", "first");
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
                try {
                    return ServerCommand.serve(server);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (ConfigAgent agent = ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                    .node("web-1", "pw").namespaces("app/web").context(ctx).cacheDir(dir.resolve("cache")).start()) {
                await().atMost(WAIT).until(() -> agent.revision("app/web") == 1);
            }
            assertThat(server.isServing()).isTrue();

            armed.set(true);  // the next heartbeat's store read throws OutOfMemoryError

            assertThat(status.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ServerCommand.EXIT_FAILED);
            assertThat(server.failure()).isInstanceOf(OutOfMemoryError.class);
            assertThat(server.isServing()).isFalse();
            // Its ports refuse connections instead of accepting them and never answering.
            InetSocketAddress sync = address(server.syncEndpoint());
            await().atMost(WAIT).until(() -> refuses(sync));
            assertThat(refuses(address(server.updatesEndpoint()))).isTrue();
            armed.set(false);
        }
    }

    /** {@code store}, except that every call throws OutOfMemoryError once {@code armed} is set. */
    private static ConfigStore failingWhenArmed(ConfigStore store, AtomicBoolean armed) {
        return (ConfigStore) Proxy.newProxyInstance(ConfigStore.class.getClassLoader(), new Class<?>[] {ConfigStore.class},
                (proxy, method, args) -> {
                    if (armed.get() && !method.getName().equals("close")) {
                        throw new OutOfMemoryError("injected by the test");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static InetSocketAddress address(String endpoint) {
        String hostPort = endpoint.substring("tcp://".length());
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static boolean refuses(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 1000);
            return false;
        } catch (IOException refused) {
            return true;
        }
    }
}
