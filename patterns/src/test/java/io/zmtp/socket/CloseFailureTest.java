package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.pipe.Pipe;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure while a socket closes (here a socket type's hook throws; in the event-loop benchmark
 * it was the JVM out of direct memory under 1,000 subscribers) is logged and close() returns;
 * before, the caller waited for ever on a close that would never report done.
 */
class CloseFailureTest {

    @Test
    void closeReturnsWhenClosingFailsPartWay() {
        try (ZmtpContext context = new ZmtpContext(1)) {
            Socket s = new Socket(context, SocketType.PAIR) {
                @Override
                protected void attach(Pipe pipe) {
                }

                @Override
                protected void detach(Pipe pipe) {
                }

                @Override
                protected boolean route(Message message) {
                    message.close();
                    return true;
                }

                @Override
                protected void closed() {
                    throw new IllegalStateException("a socket type failed while closing");
                }
            };
            s.bind("tcp://127.0.0.1:*");
            assertTimeoutPreemptively(Duration.ofSeconds(20), s::close);
            assertTrue(s.isClosed());
        }
    }
}
