package io.zmtp.socket.examples;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Pub;
import io.zmtp.socket.type.Sub;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Publish-subscribe: a PUB sends "zipcode temperature" updates, a SUB listens to one zip code
 * only (the filter runs at the publisher) and averages ten readings (the Guide's wuserver/wuclient).
 */
public final class WeatherUpdates {
    private WeatherUpdates() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (ZmtpContext ctx = new ZmtpContext()) {
            Pub pub = ctx.socket(SocketType.PUB, Pub.class);
            Sub sub = ctx.socket(SocketType.SUB, Sub.class);
            pub.bind("tcp://127.0.0.1:*");
            sub.connect("tcp://127.0.0.1:" + pub.boundPort());
            sub.subscribe("10001 ");
            Thread publisher = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (!Thread.currentThread().isInterrupted() && !pub.isClosed()) {
                    int zip = r.nextBoolean() ? 10001 : 10000 + r.nextInt(100);
                    pub.send(Message.of(zip + " " + (r.nextInt(215) - 80)));
                }
            });
            publisher.start();
            long total = 0;
            for (int i = 0; i < 10; i++) {
                try (Message update = sub.receive(Duration.ofSeconds(10))) {
                    String[] parts = update.string(0).split(" ");
                    total += Integer.parseInt(parts[1]);
                }
            }
            System.out.println("average temperature for zip 10001: " + total / 10);
            publisher.interrupt();
            publisher.join();
        }
    }
}
