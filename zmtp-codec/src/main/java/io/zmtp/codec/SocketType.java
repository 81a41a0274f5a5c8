package io.zmtp.codec;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * ZeroMQ socket types, by their wire names (the {@code Socket-Type} property), with the table of
 * valid peers: the eleven classic types of RFC 23/37 and RFCs 28-31, and the thread-safe types of
 * libzmq's draft API (CLIENT and SERVER of RFC 41, RADIO and DISH of RFC 48, SCATTER and GATHER,
 * PEER and CHANNEL).
 */
public enum SocketType {
    PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB,
    /**
     * libzmq's STREAM: raw TCP to a peer that speaks no ZMTP (an HTTP client, say). It has no wire
     * name that a ZMTP peer could announce, so it is compatible with no type.
     */
    STREAM,
    /** RFC 41: load-balances to its SERVER peers, single-frame messages, thread-safe. */
    CLIENT,
    /** RFC 41: answers each CLIENT by the routing id its messages carry, single-frame, thread-safe. */
    SERVER,
    /** RFC 48: sends each message to the DISH peers that joined its group, single-frame, thread-safe. */
    RADIO,
    /** RFC 48: receives the messages of the groups it joined, single-frame, thread-safe. */
    DISH,
    /** libzmq's draft SCATTER: PUSH's load-balancing with single-frame messages, thread-safe. */
    SCATTER,
    /** libzmq's draft GATHER: PULL's fair-queuing with single-frame messages, thread-safe. */
    GATHER,
    /** libzmq's draft PEER: SERVER's routing ids between equals (connect returns the peer's id), thread-safe. */
    PEER,
    /** libzmq's draft CHANNEL: PAIR with single-frame messages, thread-safe. */
    CHANNEL;

    private final byte[] wireName = name().getBytes(StandardCharsets.US_ASCII);

    /** The exact bytes this type is announced with in READY metadata. */
    public byte[] wireName() {
        return wireName.clone();
    }

    /** True when a peer of type {@code peer} may talk to a socket of this type. */
    public boolean isCompatible(SocketType peer) {
        switch (this) {
            case REQ: return peer == REP || peer == ROUTER;
            case REP: return peer == REQ || peer == DEALER;
            case DEALER: return peer == REP || peer == DEALER || peer == ROUTER;
            case ROUTER: return peer == REQ || peer == DEALER || peer == ROUTER;
            case PUB: case XPUB: return peer == SUB || peer == XSUB;
            case SUB: case XSUB: return peer == PUB || peer == XPUB;
            case PUSH: return peer == PULL;
            case PULL: return peer == PUSH;
            case PAIR: return peer == PAIR;
            case CLIENT: return peer == SERVER;
            case SERVER: return peer == CLIENT;
            case RADIO: return peer == DISH;
            case DISH: return peer == RADIO;
            case SCATTER: return peer == GATHER;
            case GATHER: return peer == SCATTER;
            case STREAM: return false;
            case PEER: return peer == PEER;
            case CHANNEL: return peer == CHANNEL;
            default: throw new AssertionError(this);
        }
    }

    /**
     * True for the types whose sockets any number of threads may use at once (the draft API's), whose
     * messages have exactly one frame.
     */
    public boolean isThreadSafe() {
        return ordinal() >= CLIENT.ordinal();
    }

    /**
     * The octet that names this type in a ZMTP/2.0 greeting (libzmq's type number: PAIR 0 to XSUB
     * 10), or -1 for the types ZMTP 2.0 does not know (STREAM and the draft types).
     */
    public int zmtp20Number() {
        return ordinal() <= XSUB.ordinal() ? ordinal() : -1;
    }

    /** The type a ZMTP/2.0 greeting names with {@code number}, or null for a number no classic type has. */
    public static SocketType fromZmtp20Number(int number) {
        return number >= 0 && number <= XSUB.ordinal() ? values()[number] : null;
    }

    /**
     * True when this type announces an {@code Identity} property (possibly empty) in its
     * READY/INITIATE, as libzmq and JeroMQ do for REQ, DEALER and ROUTER only.
     */
    public boolean sendsIdentity() {
        return this == REQ || this == DEALER || this == ROUTER;
    }

    /**
     * Parses a wire name exactly as libzmq compares it: uppercase, exact length.
     *
     * @return the type, or {@code null} when the bytes name no classic type
     */
    public static SocketType fromWireName(byte[] value) {
        String name = new String(value, StandardCharsets.US_ASCII);
        for (SocketType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Parses a type name given by a user, in any case; rejects unknown names with a clear message. */
    public static SocketType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown socket type '" + name + "'; expected one of "
                    + java.util.Arrays.toString(values()), e);
        }
    }
}
