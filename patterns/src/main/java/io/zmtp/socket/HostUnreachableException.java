package io.zmtp.socket;

/** A ROUTER with ROUTER_MANDATORY was asked to send to a routing id no peer has (libzmq: EHOSTUNREACH). */
public final class HostUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HostUnreachableException(String message) {
        super(message);
    }
}
