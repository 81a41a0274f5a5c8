package io.zmtp.config.model;

/**
 * A value or a namespace would grow past the configured size limits. Thrown before anything is
 * stored, so the caller can report it to the author and the store is unchanged.
 */
public final class ConfigLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigLimitException(String message) {
        super(message);
    }
}
