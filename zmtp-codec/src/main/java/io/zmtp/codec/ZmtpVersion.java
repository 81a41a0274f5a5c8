package io.zmtp.codec;

/**
 * The ZMTP revision a peer speaks. For 3.x the minor version decides how subscriptions travel: as
 * SUBSCRIBE/CANCEL commands to a 3.1 peer, as messages with a leading 0x01/0x00 to a 3.0 peer.
 * {@link #V1_0} and {@link #V2_0} are the legacy protocols (RFC 13 and RFC 15) a libzmq 4.3 peer
 * still falls back to: no security, no commands, an identity frame in place of READY, and
 * subscriptions as messages.
 */
public record ZmtpVersion(int major, int minor) {
    /** What this implementation advertises, like libzmq 4.3. */
    public static final ZmtpVersion V3_1 = new ZmtpVersion(3, 1);
    public static final ZmtpVersion V3_0 = new ZmtpVersion(3, 0);
    /** ZMTP/2.0 (RFC 15): 3.0's framing without commands, after a 12-byte greeting. */
    public static final ZmtpVersion V2_0 = new ZmtpVersion(2, 0);
    /** ZMTP/1.0 (RFC 13): frames of length (counting the flags octet), flags, body. */
    public static final ZmtpVersion V1_0 = new ZmtpVersion(1, 0);

    public ZmtpVersion {
        if (major < 0 || major > 255 || minor < 0 || minor > 255) {
            throw new IllegalArgumentException("version octets out of range: " + major + "." + minor);
        }
    }

    /** True when the peer understands the ZMTP 3.1 commands (SUBSCRIBE, CANCEL). */
    public boolean hasSubscriptionCommands() {
        return major > 3 || (major == 3 && minor >= 1);
    }

    /** True for ZMTP 1.0 and 2.0, which have neither a security handshake nor commands. */
    public boolean isLegacy() {
        return major < 3;
    }

    /** True for ZMTP 1.0, whose frame header differs from every later revision's. */
    public boolean hasZmtp10Framing() {
        return major == 1;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
