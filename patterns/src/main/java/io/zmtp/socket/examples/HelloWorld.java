package io.zmtp.socket.examples;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

/** Request-reply: a REP server answers "World" to each "Hello" of a REQ client (the Guide's hwserver/hwclient). */
public final class HelloWorld {
    private HelloWorld() {
    }

    public static void main(String[] args) {
        try (ZmtpContext ctx = new ZmtpContext();
             Socket server = ctx.socket(SocketType.REP);
             Socket client = ctx.socket(SocketType.REQ)) {
            server.bind("tcp://127.0.0.1:*");
            client.connect(server.lastEndpoint().replace("0.0.0.0", "127.0.0.1"));
            for (int i = 0; i < 3; i++) {
                client.send(Message.of("Hello"));
                try (Message request = server.receive()) {
                    System.out.println("server got " + request.string(0));
                }
                server.send(Message.of("World"));
                try (Message reply = client.receive()) {
                    System.out.println("client got " + reply.string(0));
                }
            }
        }
    }
}
