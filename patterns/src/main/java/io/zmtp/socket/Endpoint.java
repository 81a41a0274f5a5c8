package io.zmtp.socket;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * A parsed endpoint:
 * <ul>
 *   <li>{@code tcp://host:port}, {@code tcp://*:port} (all interfaces), {@code tcp://*:*} or port 0
 *       (an ephemeral port, read back with {@link Socket#lastEndpoint()}); IPv6 hosts in brackets:
 *       {@code tcp://[::1]:5555};</li>
 *   <li>{@code ipc://path}: a Unix domain socket, wire-compatible with libzmq's ipc transport;
 *       {@code ipc://*} picks a fresh path in the temporary directory;</li>
 *   <li>{@code inproc://name}: between sockets of one {@link ZmtpContext}, messages handed over as
 *       objects (no encoding, no copy, no system call);</li>
 *   <li>{@code udp://host:port}: RADIO and DISH only, a datagram per message (libzmq's udp);</li>
 *   <li>{@code ws://host:port/path}: ZeroMQ over WebSocket (ZWS 2.0, as libzmq's ws transport); the
 *       path is kept in {@link #path()} ({@code /} when none is given); {@code wss://} the same over TLS.</li>
 * </ul>
 */
public record Endpoint(String transport, String host, int port, String path) {
    /** Longest path a Unix domain socket address holds on Linux (sun_path less its NUL). */
    public static final int MAX_IPC_PATH = 107;
    /** Longest inproc name accepted (libzmq has no limit; this only stops absurd input). */
    public static final int MAX_INPROC_NAME = 4096;

    public Endpoint {
        if (!transport.equals("tcp") && !transport.equals("ipc") && !transport.equals("inproc") && !transport.equals("udp")
                && !transport.equals("ws") && !transport.equals("wss")) {
            throw new IllegalArgumentException("unsupported transport '" + transport + "' (supported: tcp, ipc, inproc, udp, ws, wss)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static Endpoint tcp(String host, int port) {
        return new Endpoint("tcp", host, port, null);
    }

    /**
     * The scheme of {@code text} ({@code "tcp"} of {@code tcp://127.0.0.1:5555}), lower case.
     *
     * @throws IllegalArgumentException when {@code text} is not of the form scheme://address
     */
    public static String scheme(String text) {
        if (text == null) {
            throw new IllegalArgumentException("endpoint is null");
        }
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("endpoint '" + text
                    + "' is not of the form transport://address, e.g. tcp://127.0.0.1:5555 or ipc:///tmp/feed");
        }
        return text.substring(0, sep).toLowerCase(Locale.ROOT);
    }

    public static Endpoint parse(String text) {
        String transport = scheme(text);
        String address = text.substring(transport.length() + 3);
        if (transport.equals("ipc")) {
            return ipc(text, address);
        }
        if (transport.equals("inproc")) {
            if (address.isEmpty() || address.length() > MAX_INPROC_NAME) {
                throw new IllegalArgumentException("endpoint '" + text + "': an inproc name has 1 to "
                        + MAX_INPROC_NAME + " characters");
            }
            return new Endpoint("inproc", null, 0, address);
        }
        if (!transport.equals("tcp") && !transport.equals("udp") && !transport.equals("ws") && !transport.equals("wss")) {
            throw new IllegalArgumentException("endpoint '" + text + "': unsupported transport '" + transport
                    + "' (supported: tcp, ipc, inproc, udp, ws, wss)");
        }
        String path = null;
        if (transport.equals("ws") || transport.equals("wss")) {
            int slash = address.indexOf('/', address.startsWith("[") ? Math.max(0, address.indexOf(']')) : 0);
            path = slash < 0 ? "/" : address.substring(slash);
            address = slash < 0 ? address : address.substring(0, slash);
            if (path.length() > 1024 || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("endpoint '" + text + "': a ws path is up to 1024 printable ASCII characters");
            }
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("endpoint '" + text + "' needs host:port, e.g. tcp://127.0.0.1:5555 or tcp://*:*");
        }
        String host = address.substring(0, colon);
        String portText = address.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("endpoint '" + text + "' has an empty host");
        }
        int port;
        if (portText.equals("*")) {
            port = 0;
        } else {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("endpoint '" + text + "' has a bad port '" + portText + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("endpoint '" + text + "' has port " + port + " outside 0..65535");
            }
        }
        return new Endpoint(transport, host, port, path);
    }

    private static Endpoint ipc(String text, String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("endpoint '" + text + "' has an empty ipc path");
        }
        if (path.equals("*")) {
            path = Path.of(System.getProperty("java.io.tmpdir"), "zmtp-" + UUID.randomUUID().toString().substring(0, 12)).toString();
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_IPC_PATH) {
            throw new IllegalArgumentException("endpoint '" + text + "': an ipc path is at most " + MAX_IPC_PATH
                    + " bytes, this one has " + path.getBytes(StandardCharsets.UTF_8).length);
        }
        return new Endpoint("ipc", null, 0, path);
    }

    public boolean isIpc() {
        return transport.equals("ipc");
    }

    /** ws or wss: the endpoint has a path. */
    public boolean isWs() {
        return transport.equals("ws") || transport.equals("wss");
    }

    public boolean isUdp() {
        return transport.equals("udp");
    }

    public boolean isInproc() {
        return transport.equals("inproc");
    }

    /** True for {@code *}: every interface. */
    public boolean isWildcardHost() {
        return "*".equals(host);
    }

    /** The address to bind to. */
    public SocketAddress bindAddress() {
        if (isIpc()) {
            return UnixDomainSocketAddress.of(path);
        }
        return isWildcardHost() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** The address to connect to (host names resolved at connect time). */
    public SocketAddress connectAddress() {
        if (isIpc()) {
            return UnixDomainSocketAddress.of(path);
        }
        if (isWildcardHost()) {
            throw new IllegalArgumentException("cannot connect to a wildcard host: " + this);
        }
        if (port == 0) {
            throw new IllegalArgumentException("cannot connect to port 0: " + this);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The same endpoint with the port a bind actually got. */
    public Endpoint withPort(int actualPort) {
        return isIpc() || isInproc() ? this : new Endpoint(transport, host, actualPort, path);
    }

    @Override
    public String toString() {
        if (isIpc() || isInproc()) {
            return transport + "://" + path;
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        return transport + "://" + h + ":" + port + (isWs() ? path : "");
    }
}
