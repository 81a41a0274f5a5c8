package io.zmtp.config.server;

/**
 * How many failed authentications the server takes from one source address: a token bucket of
 * {@code burst} tokens refilled at {@code perSecond}. Each refused attempt takes a token; while an
 * address has none left, every attempt from it is refused at the handshake, with the right
 * password too (otherwise a guesser would still learn at full speed which guess was right).
 * Successful logins take nothing.
 *
 * @param burst     failures an address may have at once before it is limited; 0 turns the limit off
 * @param perSecond tokens given back per second (at least one every hour when on)
 */
public record AuthFailureLimit(int burst, double perSecond) {
    /** 10 failures at once, then 2 a second. */
    public static final AuthFailureLimit DEFAULTS = new AuthFailureLimit(10, 2.0);
    /** No limit. */
    public static final AuthFailureLimit OFF = new AuthFailureLimit(0, 0);

    /** @throws IllegalArgumentException for a negative burst, or a rate that is not finite and positive when on */
    public AuthFailureLimit {
        if (burst < 0) {
            throw new IllegalArgumentException("auth failure burst must be >= 0, got " + burst);
        }
        if (burst > 0 && !(perSecond >= 1.0 / 3600 && perSecond <= 1e6)) {
            throw new IllegalArgumentException("auth failure rate must be between 1/3600 and 1000000 per second, got "
                    + perSecond);
        }
    }

    public boolean enabled() {
        return burst > 0;
    }
}
