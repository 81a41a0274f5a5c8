package io.zmtp.socket;

/**
 * Contributes socket types to a {@link SocketTypeRegistry}. Providers are found with
 * {@link java.util.ServiceLoader} (a line in {@code META-INF/services/io.zmtp.socket.SocketTypeProvider}),
 * so adding a socket type is one class and one line, and the context knows none of them by name.
 */
public interface SocketTypeProvider {
    /** Registers this provider's types. */
    void registerTypes(SocketTypeRegistry registry);
}
