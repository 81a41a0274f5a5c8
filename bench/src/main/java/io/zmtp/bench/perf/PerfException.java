package io.zmtp.bench.perf;

/**
 * A run failed after its arguments were accepted: the endpoint could not be bound, a message of
 * the wrong size arrived, the peer stalled past the run's timeout, the other thread failed. The
 * tools' {@code main} prints the message to stderr and exits with status 255, as libzmq's tools
 * do when they {@code return -1}.
 */
public final class PerfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PerfException(String message) {
        super(message);
    }

    PerfException(String message, Throwable cause) {
        super(message, cause);
    }
}
