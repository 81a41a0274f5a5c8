package io.zmtp.cli;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.Socket;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.socket.proxy.Proxy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code zmtp proxy}: a zmq_proxy between two sockets given as {@code TYPE@ENDPOINT} (bind) or
 * {@code TYPE>ENDPOINT} (connect), e.g. a broker {@code --frontend router@tcp://*:5559 --backend
 * dealer@tcp://*:5560}, a forwarder {@code --frontend 'xsub>tcp://pub-host:5556' --backend
 * xpub@tcp://*:5557} or a streamer {@code --frontend pull@... --backend push@...}.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Forward messages between a frontend and a backend socket until killed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"1:failed: an endpoint cannot be bound or connected", "2:bad usage",
                "130:stopped by Ctrl-C (143: by SIGTERM)"})
final class ProxyCommand implements Callable<Integer> {
    @Option(names = "--frontend", required = true, description = "TYPE@ENDPOINT to bind or TYPE>ENDPOINT to connect.")
    String frontend;

    @Option(names = "--backend", required = true, description = "TYPE@ENDPOINT to bind or TYPE>ENDPOINT to connect.")
    String backend;

    @Option(names = "--capture", description = "Optional TYPE@ENDPOINT or TYPE>ENDPOINT that gets a copy of every message.")
    String capture;

    @picocli.CommandLine.Mixin
    WssFiles wss = new WssFiles();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String wssProblem = wss.load();
        if (wssProblem != null) {
            throw new ParameterException(spec.commandLine(), wssProblem);
        }
        try (ZmtpContext ctx = new ZmtpContext(2)) {
            Socket front;
            Socket back;
            Socket cap;
            try {
                front = open(ctx, frontend, wss);
                back = open(ctx, backend, wss);
                cap = capture == null ? null : open(ctx, capture, wss);
            } catch (IllegalArgumentException e) {
                // A malformed TYPE@ENDPOINT or endpoint: a usage error, as picocli's own.
                throw new ParameterException(spec.commandLine(), e.getMessage());
            } catch (IllegalStateException e) {
                System.err.println("zmtp proxy: " + e.getMessage());
                return 1;
            }
            Proxy.run(front, back, cap, null);
            return 0;
        }
    }

    /** Creates the socket {@code spec} names, with the wss certificates, and binds or connects it. */
    static Socket open(ZmtpContext ctx, String spec, WssFiles wss) {
        int at = spec.indexOf('@');
        int gt = spec.indexOf('>');
        int sep = at < 0 ? gt : (gt < 0 ? at : Math.min(at, gt));
        if (sep <= 0 || sep == spec.length() - 1) {
            throw new IllegalArgumentException("'" + spec + "' is not TYPE@ENDPOINT (bind) or TYPE>ENDPOINT (connect)");
        }
        Socket s = ctx.socket(SocketType.parse(spec.substring(0, sep)));
        s.options().linger(0);
        wss.applyTo(s.options());
        String endpoint = spec.substring(sep + 1);
        if (spec.charAt(sep) == '@') {
            System.err.println("zmtp: " + s.type() + " bound " + s.bind(endpoint));
        } else {
            s.connect(endpoint);
        }
        return s;
    }
}
