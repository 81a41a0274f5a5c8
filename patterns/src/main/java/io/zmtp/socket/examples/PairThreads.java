package io.zmtp.socket.examples;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.time.Duration;

/** Exclusive pair: two threads signal each other over a PAIR connection (the Guide's mtrelay, over TCP loopback). */
public final class PairThreads {
    private PairThreads() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (ZmtpContext ctx = new ZmtpContext()) {
            Socket main = ctx.socket(SocketType.PAIR);
            main.bind("tcp://127.0.0.1:*");
            int port = main.boundPort();
            Thread step = new Thread(() -> {
                try (Socket other = ctx.socket(SocketType.PAIR)) {
                    other.connect("tcp://127.0.0.1:" + port);
                    other.send(Message.of("READY"));
                    try (Message go = other.receive(Duration.ofSeconds(10))) {
                        System.out.println("step got " + go.string(0));
                    }
                }
            });
            step.start();
            try (Message ready = main.receive(Duration.ofSeconds(10))) {
                System.out.println("main got " + ready.string(0));
            }
            main.send(Message.of("GO"));
            step.join();
        }
    }
}
