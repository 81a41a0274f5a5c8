package io.zmtp.socket;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A parsed endpoint: {@code tcp://host:port}, {@code tcp://*:port} (all interfaces), and
 * {@code tcp://*:*} or port 0 (an ephemeral port, read back with {@link Socket#lastEndpoint()}).
 * IPv6 hosts go in brackets: {@code tcp://[::1]:5555}.
 */
public record Endpoint(String transport, String host, int port) {
    public Endpoint {
        if (!transport.equals("tcp")) {
            throw new IllegalArgumentException("unsupported transport '" + transport + "' (supported: tcp)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static Endpoint parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("endpoint is null");
        }
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not of the form transport://address, e.g. tcp://127.0.0.1:5555");
        }
        String transport = text.substring(0, sep).toLowerCase(Locale.ROOT);
        String address = text.substring(sep + 3);
        if (!transport.equals("tcp")) {
            throw new IllegalArgumentException("endpoint '" + text + "': unsupported transport '" + transport + "' (supported: tcp)");
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
        return new Endpoint(transport, host, port);
    }

    /** True for {@code *}: every interface. */
    public boolean isWildcardHost() {
        return host.equals("*");
    }

    /** The address to bind to. */
    public InetSocketAddress bindAddress() {
        return isWildcardHost() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** The address to connect to (resolved at connect time). */
    public InetSocketAddress connectAddress() {
        if (isWildcardHost()) {
            throw new IllegalArgumentException("cannot connect to a wildcard host: " + this);
        }
        if (port == 0) {
            throw new IllegalArgumentException("cannot connect to port 0: " + this);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return transport + "://" + h + ":" + port;
    }
}
