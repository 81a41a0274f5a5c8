package io.zmtp.codec.auth;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Allow or deny by the peer's IP address, in front of another authenticator (libzmq's ZAP
 * whitelist/blacklist, as in czmq's zauth ALLOW/DENY): with an allow list only those addresses
 * pass on; otherwise every address but the denied ones does.
 */
public final class AddressFilter implements Authenticator {
    private final Set<String> allowed;
    private final Set<String> denied;
    private final Authenticator next;

    private AddressFilter(Set<String> allowed, Set<String> denied, Authenticator next) {
        this.allowed = Set.copyOf(allowed);
        this.denied = Set.copyOf(denied);
        this.next = next;
    }

    /** Only peers from {@code addresses} reach {@code next}. */
    public static AddressFilter allow(Set<String> addresses, Authenticator next) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("an allow list needs at least one address");
        }
        return new AddressFilter(addresses, Set.of(), next);
    }

    /** Peers from {@code addresses} are refused; the others reach {@code next}. */
    public static AddressFilter deny(Set<String> addresses, Authenticator next) {
        return new AddressFilter(Set.of(), addresses, next);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        String address = request.address();
        if (!allowed.isEmpty() && !allowed.contains(address)) {
            return CompletableFuture.completedFuture(AuthResult.denied("address " + address + " is not allowed"));
        }
        if (denied.contains(address)) {
            return CompletableFuture.completedFuture(AuthResult.denied("address " + address + " is denied"));
        }
        return next.authenticate(request);
    }
}
