package io.zmtp.socket.proxy;

/**
 * What a proxy has moved, in the order libzmq's STATISTICS reply gives them: per side, messages
 * and bytes received, then messages and bytes sent.
 */
public record ProxyStatistics(long frontendMessagesIn, long frontendBytesIn, long frontendMessagesOut,
                              long frontendBytesOut, long backendMessagesIn, long backendBytesIn,
                              long backendMessagesOut, long backendBytesOut) {
    /** The eight counters as libzmq's reply frames carry them. */
    public long[] toArray() {
        return new long[] {frontendMessagesIn, frontendBytesIn, frontendMessagesOut, frontendBytesOut,
            backendMessagesIn, backendBytesIn, backendMessagesOut, backendBytesOut};
    }
}
