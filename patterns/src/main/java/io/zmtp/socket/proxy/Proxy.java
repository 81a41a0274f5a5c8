package io.zmtp.socket.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * libzmq's {@code zmq_proxy} and {@code zmq_proxy_steerable}: moves whole messages from the
 * frontend to the backend and back (ROUTER/DEALER queues, XSUB/XPUB forwarders that also carry
 * subscriptions upstream, PULL/PUSH streamers), optionally copying each to a capture socket.
 * It can be paused, resumed, terminated and asked for statistics, through its methods or through
 * a control socket that receives {@code PAUSE}, {@code RESUME}, {@code TERMINATE} and
 * {@code STATISTICS} (answered with eight 8-byte counters, as libzmq does).
 *
 * <p>Each direction runs on its own thread with blocking receives and sends, so back-pressure from
 * a full side holds messages in the other side's queues instead of dropping them (except where the
 * socket type itself drops, as PUB/XPUB do).
 */
public final class Proxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Proxy.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Socket frontend;
    private final Socket backend;
    private final Socket capture;
    private final Socket control;
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resumed = lock.newCondition();
    private volatile boolean paused;
    private volatile boolean running = true;
    private final AtomicLong[] counters = new AtomicLong[8];

    private Proxy(Socket frontend, Socket backend, Socket capture, Socket control) {
        this.frontend = frontend;
        this.backend = backend;
        this.capture = capture;
        this.control = control;
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new AtomicLong();
        }
    }

    /**
     * Starts proxying in background threads and returns at once.
     *
     * @param capture a socket that gets a copy of every message, or null
     * @param control a socket for PAUSE/RESUME/TERMINATE/STATISTICS commands, or null
     */
    public static Proxy start(Socket frontend, Socket backend, Socket capture, Socket control) {
        if (frontend == null || backend == null) {
            throw new IllegalArgumentException("a proxy needs a frontend and a backend socket");
        }
        Proxy p = new Proxy(frontend, backend, capture, control);
        // A direction runs only where its sockets can carry it (a PULL/PUSH streamer is one-way).
        if (canReceive(frontend.type()) && canSend(backend.type())) {
            p.spawn("zmtp-proxy-front-to-back", () -> p.forward(frontend, backend, 0, 6));
        }
        if (canReceive(backend.type()) && canSend(frontend.type())) {
            p.spawn("zmtp-proxy-back-to-front", () -> p.forward(backend, frontend, 4, 2));
        }
        if (p.threads.isEmpty()) {
            throw new IllegalArgumentException("a proxy from " + frontend.type() + " to " + backend.type()
                    + " can forward nothing in either direction");
        }
        if (control != null) {
            p.spawn("zmtp-proxy-control", p::serveControl);
        }
        return p;
    }

    public static Proxy start(Socket frontend, Socket backend) {
        return start(frontend, backend, null, null);
    }

    /** Runs the proxy on the calling thread's behalf until it is terminated (libzmq's blocking form). */
    public static void run(Socket frontend, Socket backend, Socket capture, Socket control) throws InterruptedException {
        Proxy p = start(frontend, backend, capture, control);
        p.awaitTermination();
    }

    private static boolean canReceive(SocketType type) {
        return type != SocketType.PUSH && type != SocketType.PUB;
    }

    private static boolean canSend(SocketType type) {
        return type != SocketType.PULL && type != SocketType.SUB;
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IllegalStateException closed) {
                log.debug("{} stops: {}", Thread.currentThread().getName(), closed.getMessage());
            } finally {
                terminate();
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Moves messages from {@code from} to {@code to}; {@code in} and {@code out} index the counters. */
    private void forward(Socket from, Socket to, int in, int out) {
        while (running) {
            if (!awaitRunning()) {
                return;
            }
            Message m = from.receive(POLL);
            if (m == null) {
                continue;
            }
            long bytes = m.byteSize();
            counters[in].incrementAndGet();
            counters[in + 1].addAndGet(bytes);
            if (capture != null) {
                copyToCapture(m);
            }
            boolean sent = false;
            while (running && !(sent = to.send(m, POLL))) {
                // the other side is full: hold this message until it has room or we stop
            }
            if (!sent) {
                m.close();
                return;
            }
            counters[out].incrementAndGet();
            counters[out + 1].addAndGet(bytes);
        }
    }

    private void copyToCapture(Message m) {
        List<ByteBuf> frames = new ArrayList<>(m.size());
        for (ByteBuf f : m.frames()) {
            frames.add(f.retainedDuplicate());
        }
        Message copy = Message.wrap(frames);
        if (!capture.trySend(copy)) {
            copy.close();
        }
    }

    private boolean awaitRunning() {
        if (!paused) {
            return running;
        }
        lock.lock();
        try {
            while (paused && running) {
                resumed.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void serveControl() {
        while (running) {
            Message m = control.receive(POLL);
            if (m == null) {
                continue;
            }
            String command;
            try (m) {
                command = m.string(0);
            }
            Message reply = null;
            switch (command) {
                case "PAUSE" -> pause();
                case "RESUME" -> resume();
                case "TERMINATE" -> terminate();
                case "STATISTICS" -> reply = statisticsMessage();
                default -> log.warn("proxy control: unknown command '{}'", io.zmtp.codec.UntrustedText.of(command));
            }
            // A REP control socket must answer every request; others get an answer only to STATISTICS.
            if (reply == null && control.type() == SocketType.REP) {
                reply = Message.of(new byte[0]);
            }
            if (reply != null && !control.send(reply, POLL)) {
                reply.close();
            }
        }
    }

    private Message statisticsMessage() {
        Message reply = new Message();
        for (long v : statistics().toArray()) {
            reply.add(Unpooled.buffer(8).order(ByteOrder.LITTLE_ENDIAN).writeLong(v));
        }
        return reply;
    }

    /** Stops forwarding; messages wait in the sockets' queues. */
    public void pause() {
        paused = true;
    }

    /** Forwards again after {@link #pause()}. */
    public void resume() {
        lock.lock();
        try {
            paused = false;
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the proxy for good; the sockets stay open (their owner closes them). */
    public void terminate() {
        running = false;
        resume();
        terminated.countDown();
    }

    public boolean isPaused() {
        return paused;
    }

    public ProxyStatistics statistics() {
        return new ProxyStatistics(counters[0].get(), counters[1].get(), counters[2].get(), counters[3].get(),
                counters[4].get(), counters[5].get(), counters[6].get(), counters[7].get());
    }

    /** Waits until the proxy is terminated and its threads have stopped. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Terminates and waits for the threads (each notices within about 100 ms). */
    @Override
    public void close() throws InterruptedException {
        terminate();
        awaitTermination();
    }
}
