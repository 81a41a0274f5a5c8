package io.zmtp.socket;

import io.zmtp.codec.SocketType;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Which class makes a socket of each {@link SocketType} (JeroMQ's {@code Sockets} enum, as a
 * registry): {@link ZmtpContext#socket(SocketType)} asks it, so the context imports no socket type.
 */
public final class SocketTypeRegistry {
    private static volatile SocketTypeRegistry defaults;

    private final Map<SocketType, Function<ZmtpContext, Socket>> factories = new EnumMap<>(SocketType.class);

    /** The types of every {@link SocketTypeProvider} on the class path; loaded once. */
    public static SocketTypeRegistry defaults() {
        SocketTypeRegistry r = defaults;
        if (r == null) {
            synchronized (SocketTypeRegistry.class) {
                r = defaults;
                if (r == null) {
                    r = new SocketTypeRegistry();
                    for (SocketTypeProvider p : ServiceLoader.load(SocketTypeProvider.class, SocketTypeRegistry.class.getClassLoader())) {
                        p.registerTypes(r);
                    }
                    if (r.factories.isEmpty()) {
                        throw new IllegalStateException("no socket types found: META-INF/services/"
                                + SocketTypeProvider.class.getName() + " is missing from the class path"
                                + " (a shaded jar needs the shade plugin's ServicesResourceTransformer)");
                    }
                    defaults = r;
                }
            }
        }
        return r;
    }

    /** Makes {@code type}'s sockets with {@code factory}; a type registered twice keeps the last. */
    public synchronized SocketTypeRegistry register(SocketType type, Function<ZmtpContext, Socket> factory) {
        factories.put(type, factory);
        return this;
    }

    /** A new socket of {@code type} in {@code context}. */
    synchronized Socket create(SocketType type, ZmtpContext context) {
        Function<ZmtpContext, Socket> f = factories.get(type);
        if (f == null) {
            throw new IllegalArgumentException("no socket type " + type + " is registered");
        }
        return f.apply(context);
    }
}
