package io.zmtp.socket;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** With the native library made unavailable, asking for epoll gives a working NIO context. */
class EpollFallbackTest {
    /** Run in a child JVM: asks for epoll and reports what it got, after one round trip. */
    public static void main(String[] args) {
        try (ZmtpContext ctx = new ZmtpContext(1, IoBackend.EPOLL)) {
            Socket pull = ctx.socket(io.zmtp.codec.SocketType.PULL);
            pull.options().linger(0);
            pull.bind("tcp://127.0.0.1:*");
            Socket push = ctx.socket(io.zmtp.codec.SocketType.PUSH);
            push.options().linger(0);
            push.connect("tcp://127.0.0.1:" + pull.boundPort());
            push.send(Message.of("x"));
            try (Message m = pull.receive(java.time.Duration.ofSeconds(10))) {
                System.out.println("transport=" + ctx.io() + " delivered=" + (m != null));
            }
        }
    }

    @Test
    void fallsBackToNioWhenEpollCannotLoad() throws Exception {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m",
                "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"),
                EpollFallbackTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            output = r.lines().collect(Collectors.joining("\n"));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("epoll is not available").contains("using NIO")
                .contains("transport=NIO delivered=true");
    }
}
