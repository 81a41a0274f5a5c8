package io.zmtp.socket;

import io.netty.channel.epoll.Epoll;
import io.zmtp.codec.SocketType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The same sockets on NIO, native epoll and io_uring loops, over tcp and ipc. */
class IoBackendTest {
    @ParameterizedTest
    @EnumSource(IoBackend.class)
    void reqRepOverTcpAndIpcOnEachTransport(IoBackend transport) throws Exception {
        if (transport == IoBackend.EPOLL && !"true".equals(System.getenv("CI"))) {
            // On a developer machine without the native library, skip; CI must have it.
            assumeTrue(Epoll.isAvailable(), "epoll unavailable here: " + Epoll.unavailabilityCause());
        }
        // io_uring also needs a kernel that allows it (containers often forbid it): skip where it cannot run.
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ziot");
        try (ZmtpContext ctx = new ZmtpContext(1, transport)) {
            assertThat(ctx.io()).isEqualTo(transport);
            for (String endpoint : new String[] {"tcp://127.0.0.1:*", "ipc://" + dir.resolve("s")}) {
                Socket rep = ctx.socket(SocketType.REP);
                rep.options().linger(0).receiveTimeout(10_000);
                String bound = rep.bind(endpoint);
                Socket req = ctx.socket(SocketType.REQ);
                req.options().linger(0).receiveTimeout(10_000);
                req.connect(bound.replace("0.0.0.0", "127.0.0.1"));
                req.send(Message.of("on " + transport));
                try (Message m = rep.receive()) {
                    assertThat(m.string(0)).isEqualTo("on " + transport);
                }
                rep.send(Message.of("ok"));
                try (Message m = req.receive()) {
                    assertThat(m.string(0)).isEqualTo("ok");
                }
                rep.close();
                req.close();
            }
        } finally {
            Files.deleteIfExists(dir.resolve("s"));
            Files.deleteIfExists(dir);
        }
    }
}
