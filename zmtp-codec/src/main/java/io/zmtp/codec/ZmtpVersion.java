package io.zmtp.codec;

/**
 * A negotiated ZMTP 3.x revision. The minor version decides how subscriptions travel: as
 * SUBSCRIBE/CANCEL commands to a 3.1 peer, as messages with a leading 0x01/0x00 to a 3.0 peer.
 */
public record ZmtpVersion(int major, int minor) {
    /** What this implementation advertises, like libzmq 4.3. */
    public static final ZmtpVersion V3_1 = new ZmtpVersion(3, 1);
    public static final ZmtpVersion V3_0 = new ZmtpVersion(3, 0);

    public ZmtpVersion {
        if (major < 0 || major > 255 || minor < 0 || minor > 255) {
            throw new IllegalArgumentException("version octets out of range: " + major + "." + minor);
        }
    }

    /** True when the peer understands the ZMTP 3.1 commands (SUBSCRIBE, CANCEL). */
    public boolean hasSubscriptionCommands() {
        return major > 3 || (major == 3 && minor >= 1);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
