package io.zmtp.socket.examples;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.time.Duration;

/**
 * A request-reply broker: REQ clients talk to a ROUTER frontend, REP workers to a DEALER backend,
 * and a loop shuttles messages between the two with their envelopes intact (the Guide's rrbroker).
 */
public final class Broker {
    private Broker() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (ZmtpContext ctx = new ZmtpContext()) {
            Socket frontend = ctx.socket(SocketType.ROUTER);
            Socket backend = ctx.socket(SocketType.DEALER);
            frontend.bind("tcp://127.0.0.1:*");
            backend.bind("tcp://127.0.0.1:*");
            Thread worker = new Thread(() -> {
                try (Socket rep = ctx.socket(SocketType.REP)) {
                    rep.connect("tcp://127.0.0.1:" + backend.boundPort());
                    Message request;
                    while ((request = rep.receive(Duration.ofSeconds(1))) != null) {
                        String text = request.string(0);
                        request.close();
                        rep.send(Message.of(text.toUpperCase()));
                    }
                }
            });
            worker.start();
            Thread broker = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    Message m = frontend.receive(Duration.ofMillis(10));
                    if (m != null) {
                        backend.send(m);
                    }
                    m = backend.receive(Duration.ofMillis(10));
                    if (m != null) {
                        frontend.send(m);
                    }
                }
            });
            broker.start();
            try (Socket client = ctx.socket(SocketType.REQ)) {
                client.connect("tcp://127.0.0.1:" + frontend.boundPort());
                for (String word : new String[] {"hello", "broker"}) {
                    client.send(Message.of(word));
                    try (Message reply = client.receive(Duration.ofSeconds(10))) {
                        System.out.println(word + " -> " + reply.string(0));
                    }
                }
            }
            broker.interrupt();
            broker.join();
            worker.join();
        }
    }
}
