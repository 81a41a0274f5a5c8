package io.zmtp.socket;

import io.zmtp.socket.pipe.PeerInfo;

import java.util.List;

/**
 * A socket's whole counters and its peers, read in one visit to its event loop
 * ({@link Socket#stats()}). The totals only grow: they keep what went through peers that have
 * left, so they suit monotonic counters (a metrics registry's) where {@link Socket#peers()} does not.
 *
 * @param messagesIn  messages received from every peer, present or gone
 * @param messagesOut messages written toward every peer, present or gone
 * @param bytesIn     body bytes of those received
 * @param bytesOut    body bytes of those written
 * @param hwmHits     times a peer's queue was found at its high-water mark
 * @param drops       messages dropped because a peer's queue was full
 * @param peers       the present peers, as {@link Socket#peers()} gives them
 */
public record SocketStats(long messagesIn, long messagesOut, long bytesIn, long bytesOut, long hwmHits,
                          long drops, List<PeerInfo> peers) {
}
