package io.zmtp.bench.perf;

/**
 * Bad command-line arguments. The tools' {@code main} prints {@link #detail()} (when there is
 * one) and then the libzmq-style usage line to stderr and exits with status 1.
 */
public final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String usage;
    private final String detail;

    UsageException(String usage, String detail) {
        super(detail == null ? usage : detail + "\n" + usage);
        this.usage = usage;
        this.detail = detail;
    }

    /** The usage line, e.g. {@code usage: local_thr <bind-to> <message-size> <message-count>}. */
    public String usage() {
        return usage;
    }

    /** What was wrong with the arguments, or null when only their number was. */
    public String detail() {
        return detail;
    }
}
