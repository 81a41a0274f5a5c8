package io.zmtp.config.store;

/**
 * A request that the namespace's gray-release state forbids: a change to the main line, or a
 * second gray release, while one is open ({@link #GRAY_OPEN}), or a promote or abort with none open
 * ({@link #NO_GRAY}), or a selector that picks nobody ({@link #NO_MATCH}). The server answers it with an ERROR whose code is {@link #code()}.
 */
public final class GrayStateException extends RuntimeException {
    public static final String GRAY_OPEN = "gray-open";
    public static final String NO_GRAY = "no-gray";
    /** A gray selector that matches no node allowed to read the namespace. */
    public static final String NO_MATCH = "no-match";

    private final String code;

    public GrayStateException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The protocol's error code. */
    public String code() {
        return code;
    }
}
