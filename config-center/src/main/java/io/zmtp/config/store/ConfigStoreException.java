package io.zmtp.config.store;

/**
 * The storage underneath failed (I/O error, database error, corrupt data). Unlike
 * {@link IllegalArgumentException} or {@link io.zmtp.config.model.ConfigLimitException} it says
 * nothing about the caller's input; the operation had no effect unless the message says otherwise.
 */
public final class ConfigStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ConfigStoreException(String message) {
        super(message);
    }
}
