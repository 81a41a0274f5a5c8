package io.zmtp.codec.heartbeat;

/**
 * Fired when the peer stayed silent past the heartbeat timeout (after our PING) or past the TTL
 * its own PING announced, just before the codec closes the connection. Like libzmq, this is a
 * network failure: the connecting side may reconnect.
 */
public record HeartbeatTimeout(String detail) {
}
