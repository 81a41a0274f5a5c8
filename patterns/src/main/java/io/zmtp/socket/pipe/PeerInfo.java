package io.zmtp.socket.pipe;

import io.zmtp.codec.ZmtpVersion;

import java.net.SocketAddress;

/**
 * What the application can see of one peer of a socket (something libzmq and JeroMQ do not show):
 * who it is, how it is connected, how full its queues are and what went through them.
 *
 * @param routingId       the peer's routing id, or null before its handshake
 * @param endpoint        the endpoint it was bound or connected through
 * @param connectSide     true when we connected to it
 * @param remoteAddress   its address, once connected
 * @param connected       true while a connection carries the pipe
 * @param version         the ZMTP revision it announced
 * @param mechanism       the security mechanism
 * @param userId          who the authenticator said it is
 * @param inboundDepth    messages received and not yet taken by the application
 * @param outboundDepth   messages queued and not yet written to the connection
 * @param outboundBytes   body bytes of those messages (the connection's own write buffer, at most
 *                        512 KiB, comes on top): what a peer that stopped reading holds of our memory
 * @param hwmHits         times a queue of this peer was found at its high-water mark
 * @param drops           messages dropped because this peer's queue was full
 */
public record PeerInfo(byte[] routingId, String endpoint, boolean connectSide, SocketAddress remoteAddress,
                       boolean connected, ZmtpVersion version, String mechanism, String userId,
                       int inboundDepth, int outboundDepth, long outboundBytes, long messagesIn, long messagesOut,
                       long bytesIn, long bytesOut, long hwmHits, long drops) {
}
