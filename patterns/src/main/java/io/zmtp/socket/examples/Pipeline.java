package io.zmtp.socket.examples;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Pipeline: a ventilator PUSHes tasks to three workers (load-balanced), each worker PULLs a task
 * and PUSHes its result to a sink, which PULLs them all (fair-queued) (the Guide's taskvent,
 * taskwork, tasksink).
 */
public final class Pipeline {
    private Pipeline() {
    }

    public static void main(String[] args) throws InterruptedException {
        int tasks = 30;
        try (ZmtpContext ctx = new ZmtpContext()) {
            Socket ventilator = ctx.socket(SocketType.PUSH);
            Socket sink = ctx.socket(SocketType.PULL);
            ventilator.bind("tcp://127.0.0.1:*");
            sink.bind("tcp://127.0.0.1:*");
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    try (Socket in = ctx.socket(SocketType.PULL); Socket out = ctx.socket(SocketType.PUSH)) {
                        in.connect("tcp://127.0.0.1:" + ventilator.boundPort());
                        out.connect("tcp://127.0.0.1:" + sink.boundPort());
                        Message task;
                        while ((task = in.receive(Duration.ofSeconds(1))) != null) {
                            String work = task.string(0);
                            task.close();
                            out.send(Message.of("worker-" + id + " did " + work));
                        }
                    }
                });
                t.start();
                workers.add(t);
            }
            for (int i = 0; i < tasks; i++) {
                ventilator.send(Message.of("task " + i));
            }
            for (int i = 0; i < tasks; i++) {
                try (Message result = sink.receive(Duration.ofSeconds(10))) {
                    System.out.println(result.string(0));
                }
            }
            for (Thread t : workers) {
                t.join();
            }
        }
    }
}
