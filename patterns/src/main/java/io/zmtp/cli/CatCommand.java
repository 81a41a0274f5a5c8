package io.zmtp.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.SocketType;
import io.zmtp.socket.HostUnreachableException;
import io.zmtp.socket.Message;
import io.zmtp.socket.Socket;
import io.zmtp.socket.SocketEvent;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.type.Dish;
import io.zmtp.socket.type.Sub;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code zmtp cat}: one socket between stdin/stdout and the network. Sending types send each
 * stdin line as a message; receiving types print each message as one line (flushed at once);
 * REQ sends a line and prints the reply; REP prints each request and answers with the next stdin
 * line, or echoes it.
 */
@Command(name = "cat", mixinStandardHelpOptions = true,
        description = "Send stdin lines as messages and/or print received messages, one per line.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done: end of stdin, or --count messages",
                "1:failed: a bad endpoint, a port in use, lines not delivered within --linger",
                "2:bad usage", "3:timed out: nothing (or, for PUB, no peer) within --timeout"})
final class CatCommand implements java.util.concurrent.Callable<Integer> {
    static final int EXIT_TIMEOUT = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--type", required = true, description = "Socket type: REQ, REP, DEALER, ROUTER, PUB, SUB, XPUB, XSUB, PUSH, PULL, PAIR, CLIENT, SERVER,"
            + " RADIO, DISH, SCATTER, GATHER (a SERVER sends each line to the CLIENT it heard from last), STREAM (raw TCP, as"
            + " netcat: bytes received are written out as they come, each line goes to the connection heard from last).")
    String type;

    @Option(names = "--bind", description = "Endpoint to bind, e.g. tcp://*:5555 or tcp://127.0.0.1:* (repeatable).")
    List<String> binds = new ArrayList<>();

    @Option(names = "--connect", description = "Endpoint to connect to, e.g. tcp://127.0.0.1:5555 (repeatable).")
    List<String> connects = new ArrayList<>();

    @Option(names = "--group", description = "RADIO: the group every line is sent to.")
    String group;

    @Option(names = "--join", description = "DISH: a group to receive (repeatable; at least one).")
    List<String> joins = new ArrayList<>();

    @Option(names = "--subscribe", description = "SUB/XSUB: topic prefix (repeatable; SUB without any subscribes to everything).")
    List<String> subscriptions = new ArrayList<>();

    @Option(names = "--identity", description = "Routing id announced to peers.")
    String identity;

    @Option(names = "--count", description = "Exit 0 after N messages received (or sent, for send-only types).")
    Integer count;

    @Option(names = "--timeout", description = "Exit 3 if no message (or no peer, for PUB) arrives within MS milliseconds.")
    Long timeoutMillis;

    @Option(names = "--format", description = "text, hex or json (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    String format;

    @Option(names = "--echo", description = "REP: answer each request with itself.")
    boolean echo;

    @picocli.CommandLine.Mixin
    SecurityOptions security = new SecurityOptions();

    @picocli.CommandLine.Mixin
    WssFiles wss = new WssFiles();

    @Option(names = {"-v", "--verbose"}, description = "Print connection events (connected, handshake, disconnected, ...) on stderr.")
    boolean verbose;

    @Option(names = "--linger", description = "MS to wait at exit for queued messages to go out (default: ${DEFAULT-VALUE}).", defaultValue = "5000")
    long lingerMillis;

    private final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);

    /** A usage error (exit 2): one line, then this command's usage ({@link UsageErrorHandler}). */
    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() throws Exception {
        SocketType socketType;
        FrameFormat frameFormat;
        try {
            socketType = SocketType.parse(type);
            frameFormat = FrameFormat.valueOf(format.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage().replace("No enum constant io.zmtp.cli.FrameFormat.", "unknown format: "));
        }
        if (binds.isEmpty() && connects.isEmpty()) {
            throw usage("give at least one --bind or --connect endpoint");
        }
        String groups = checkGroupOptions(socketType);
        if (groups != null) {
            throw usage(groups);
        }
        String securityProblem = security.load();
        if (securityProblem != null) {
            throw usage(securityProblem);
        }
        String wssProblem = wss.load();
        if (wssProblem != null) {
            throw usage(wssProblem);
        }
        // PUB runs as XPUB so that it can wait for its first subscriber instead of losing messages.
        SocketType actual = socketType == SocketType.PUB ? SocketType.XPUB : socketType;
        try (ZmtpContext ctx = new ZmtpContext()) {
            Socket socket = ctx.socket(actual);
            try {
                configure(socket);
            } catch (IllegalArgumentException e) {
                socket.close();
                throw usage(e.getMessage());
            }
            CountDownLatch peer = new CountDownLatch(1);
            socket.addEventListener(e -> {
                if (e.type() == SocketEvent.Type.HANDSHAKE_SUCCEEDED) {
                    peer.countDown();
                }
                if (verbose) {
                    System.err.println("zmtp: event " + e.type() + " " + e.endpoint() + (e.detail().isEmpty() ? "" : " " + io.zmtp.codec.UntrustedText.of(e.detail(), 1000)));
                }
            });
            try {
                for (String ep : binds) {
                    String bound = socket.bind(ep);
                    System.err.println("zmtp: bound " + bound);
                }
                for (String ep : connects) {
                    socket.connect(ep);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                System.err.println("zmtp: " + e.getMessage());
                socket.close();
                return 1;
            }
            subscribe(socket, socketType);
            int code = switch (socketType) {
                case REQ -> runReq(socket, frameFormat);
                case REP -> runRep(socket, frameFormat);
                case PUSH -> runSender(socket, frameFormat, peer);
                case PUB -> runPublisher(socket, frameFormat);
                case PULL, SUB -> runReceiver(socket, frameFormat);
                case SERVER -> runServer(socket, frameFormat);
                case SCATTER -> runSender(socket, frameFormat, peer);
                case RADIO -> runRadio(socket, frameFormat, peer);
                case GATHER, DISH -> runReceiver(socket, frameFormat);
                case STREAM -> new StreamCat(socket, frameFormat == FrameFormat.HEX, !connects.isEmpty(), count,
                        timeoutMillis, new java.io.FileOutputStream(java.io.FileDescriptor.out)).run();
                default -> runBoth(socket, frameFormat);
            };
            if (code == 0 && sends(socketType)) {
                code = awaitDelivery(socket);
            }
            socket.close();
            return code;
        }
    }

    private static boolean sends(SocketType type) {
        return type != SocketType.PULL && type != SocketType.SUB && type != SocketType.GATHER && type != SocketType.DISH;
    }

    /**
     * Gives what stdin sent up to LINGER to leave; exit 1 when some could not, so a script knows
     * its input did not get through (a peer that never came, say).
     */
    private int awaitDelivery(Socket socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, lingerMillis));
        long unsent;
        while ((unsent = socket.unsentMessages()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (unsent > 0) {
            System.err.println("zmtp: " + unsent + " message" + (unsent == 1 ? "" : "s")
                    + " could not be delivered within the linger (" + lingerMillis + " ms)");
            return 1;
        }
        return 0;
    }

    private void configure(Socket socket) {
        socket.options().linger(lingerMillis);
        wss.applyTo(socket.options());
        if (identity != null) {
            socket.options().identity(identity.getBytes(StandardCharsets.UTF_8));
        }
        security.applyTo(socket.options());
    }

    /** A usage problem with --group and --join, or null. */
    private String checkGroupOptions(SocketType socketType) {
        if (socketType == SocketType.RADIO && group == null) {
            return "a RADIO needs --group (the group each line is sent to)";
        }
        if (socketType != SocketType.RADIO && group != null) {
            return "--group is for a RADIO";
        }
        if (socketType == SocketType.DISH && joins.isEmpty()) {
            return "a DISH needs at least one --join (a DISH receives only the groups it joined)";
        }
        if (socketType != SocketType.DISH && !joins.isEmpty()) {
            return "--join is for a DISH";
        }
        try {
            if (group != null) {
                Message.of("").group(group).close();
            }
        } catch (IllegalArgumentException e) {
            return "--group " + e.getMessage();
        }
        return null;
    }

    private void subscribe(Socket socket, SocketType socketType) {
        if (socket instanceof Dish dish) {
            joins.forEach(dish::join);
        }
        if (socket instanceof Sub sub) {
            if (subscriptions.isEmpty()) {
                sub.subscribe(new byte[0]);
            }
            for (String s : subscriptions) {
                sub.subscribe(s);
            }
        } else if (socketType == SocketType.XSUB) {
            for (String s : subscriptions) {
                byte[] topic = s.getBytes(StandardCharsets.UTF_8);
                ByteBuf frame = Unpooled.buffer(1 + topic.length).writeByte(1).writeBytes(topic);
                socket.send(new Message().add(frame));
            }
        }
    }

    private Message receive(Socket socket) {
        Message m = timeoutMillis == null ? socket.receive(Duration.ofMillis(-1)) : socket.receive(Duration.ofMillis(timeoutMillis));
        if (m == null) {
            throw new ZmtpCommand.CliFailure(EXIT_TIMEOUT, "no message within " + timeoutMillis + " ms");
        }
        return m;
    }

    private void print(FrameFormat f, Message m) {
        try (m) {
            out.println(f.render(m));
            out.flush();
        }
    }

    private boolean reached(int n) {
        return count != null && n >= count;
    }

    private int runReq(Socket socket, FrameFormat f) throws IOException {
        BufferedReader in = stdin();
        String line;
        int n = 0;
        while (!reached(n) && (line = in.readLine()) != null) {
            socket.send(f.parse(line));
            print(f, receive(socket));
            n++;
        }
        return 0;
    }

    private int runRep(Socket socket, FrameFormat f) throws IOException {
        BufferedReader in = echo ? null : stdin();
        int n = 0;
        while (!reached(n)) {
            Message request = receive(socket);
            String rendered = f.render(request);
            out.println(rendered);
            out.flush();
            if (echo) {
                socket.send(request);
            } else {
                request.close();
                String line = in.readLine();
                if (line == null) {
                    return 0;
                }
                socket.send(f.parse(line));
            }
            n++;
        }
        return 0;
    }

    private int runSender(Socket socket, FrameFormat f, CountDownLatch peer) throws IOException, InterruptedException {
        if (timeoutMillis != null && !peer.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new ZmtpCommand.CliFailure(EXIT_TIMEOUT, "no peer within " + timeoutMillis + " ms");
        }
        BufferedReader in = stdin();
        String line;
        int n = 0;
        while (!reached(n) && (line = in.readLine()) != null) {
            socket.send(f.parse(line));
            n++;
        }
        return 0;
    }

    /**
     * RADIO: each stdin line goes to {@code --group}, once a DISH is connected (a DISH's JOIN is not
     * seen by the application, so lines sent before it arrives are dropped, as a PUB drops them).
     */
    private int runRadio(Socket socket, FrameFormat f, CountDownLatch peer) throws IOException, InterruptedException {
        if (timeoutMillis != null && !peer.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new ZmtpCommand.CliFailure(EXIT_TIMEOUT, "no peer within " + timeoutMillis + " ms");
        }
        BufferedReader in = stdin();
        String line;
        int n = 0;
        while (!reached(n) && (line = in.readLine()) != null) {
            socket.send(f.parse(line).group(group));
            n++;
        }
        return 0;
    }

    /** PUB (as XPUB): wait for a first subscription, then send stdin lines. */
    private int runPublisher(Socket socket, FrameFormat f) throws IOException, InterruptedException {
        receive(socket).close();
        Thread drainer = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Message m = socket.receive(Duration.ofMillis(200));
                    if (m != null) {
                        m.close();
                    }
                } catch (IllegalStateException closed) {
                    return;
                }
            }
        }, "zmtp-pub-subscriptions");
        drainer.setDaemon(true);
        drainer.start();
        BufferedReader in = stdin();
        String line;
        int n = 0;
        while (!reached(n) && (line = in.readLine()) != null) {
            socket.send(f.parse(line));
            n++;
        }
        return 0;
    }

    private int runReceiver(Socket socket, FrameFormat f) {
        int n = 0;
        while (!reached(n)) {
            print(f, receive(socket));
            n++;
        }
        return 0;
    }

    private int runBoth(Socket socket, FrameFormat f) {
        Thread sender = new Thread(() -> {
            try {
                BufferedReader in = stdin();
                String line;
                while ((line = in.readLine()) != null && !socket.isClosed()) {
                    try {
                        socket.send(f.parse(line));
                    } catch (IllegalArgumentException e) {
                        System.err.println("zmtp: " + e.getMessage());
                    }
                }
            } catch (IOException | IllegalStateException e) {
                // stdin closed or socket closed: nothing more to send
            }
        }, "zmtp-stdin");
        sender.setDaemon(true);
        sender.start();
        return runReceiver(socket, f);
    }

    /** SERVER: prints what CLIENTs send; each stdin line goes to the one heard from last. */
    private int runServer(Socket socket, FrameFormat f) {
        AtomicInteger lastClient = new AtomicInteger();
        Thread sender = new Thread(() -> {
            try {
                BufferedReader in = stdin();
                String line;
                while ((line = in.readLine()) != null && !socket.isClosed()) {
                    int to = lastClient.get();
                    if (to == 0) {
                        System.err.println("zmtp: no CLIENT has sent anything yet; line not sent");
                        continue;
                    }
                    Message m = f.parse(line).routingId(to);
                    try {
                        socket.send(m);
                    } catch (IllegalArgumentException | HostUnreachableException e) {
                        m.close();
                        System.err.println("zmtp: " + e.getMessage());
                    }
                }
            } catch (IOException | IllegalStateException e) {
                // stdin closed or socket closed: nothing more to send
            }
        }, "zmtp-stdin");
        sender.setDaemon(true);
        sender.start();
        int n = 0;
        while (!reached(n)) {
            Message m = receive(socket);
            lastClient.set(m.routingId());
            print(f, m);
            n++;
        }
        return 0;
    }

    private static BufferedReader stdin() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
}
