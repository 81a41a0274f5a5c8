package io.zmtp.socket.transport;

import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transports sockets can bind and connect, by scheme: tcp, ipc and inproc built in, more
 * from {@link java.util.ServiceLoader} ({@code META-INF/services/io.zmtp.socket.transport.Transport})
 * or {@link #register}.
 */
public final class TransportRegistry {
    private static final Map<String, Transport> BY_SCHEME = new ConcurrentHashMap<>();

    static {
        register(new TcpTransport());
        register(new IpcTransport());
        register(new InprocTransport());
        register(new UdpTransport());
        register(new WsTransport());
        register(new WssTransport());
        for (Transport t : ServiceLoader.load(Transport.class, TransportRegistry.class.getClassLoader())) {
            register(t);
        }
    }

    private TransportRegistry() {
    }

    /** Serves {@code transport.scheme()} with {@code transport} from now on. */
    public static void register(Transport transport) {
        BY_SCHEME.put(transport.scheme().toLowerCase(Locale.ROOT), transport);
    }

    /** The transport of {@code endpoint}'s scheme; throws naming the endpoint and the schemes there are. */
    public static Transport forEndpoint(String endpoint) {
        String scheme = io.zmtp.socket.Endpoint.scheme(endpoint);
        Transport t = BY_SCHEME.get(scheme);
        if (t == null) {
            throw new IllegalArgumentException("endpoint '" + endpoint + "': unsupported transport '" + scheme
                    + "' (supported: " + String.join(", ", new java.util.TreeSet<>(BY_SCHEME.keySet())) + ")");
        }
        return t;
    }
}
