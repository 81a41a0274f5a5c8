package io.zmtp.interop;

/** The transports of the matrix. */
public enum Transport {
    TCP, IPC;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
