package io.zmtp.socket.transport;

import io.zmtp.socket.Endpoint;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * A udp endpoint read as libzmq reads one: {@code udp://[interface;]address:port}. Without an
 * interface the address is the one bound (a DISH) or sent to (a RADIO); a multicast address is
 * the group, joined or sent to on {@link #networkInterface()}. The interface, allowed only with a
 * multicast group, is an address of one of this host's interfaces, its name ({@code eth0},
 * {@code lo}), or {@code *}.
 *
 * @param target           the address bound or sent to (the group, for multicast)
 * @param port             the port
 * @param networkInterface the interface multicast uses; null for unicast, or with {@code *} when
 *                         none is up that could carry it
 * @param named            true when the endpoint named the interface (multicast goes out on it)
 */
record UdpAddress(InetAddress target, int port, NetworkInterface networkInterface, boolean named) {

    boolean isMulticast() {
        return target.isMulticastAddress();
    }

    /** Parses and resolves {@code endpoint}; a bad one throws naming what is wrong with it. */
    static UdpAddress of(Endpoint endpoint) {
        String host = endpoint.host();
        int semicolon = host.lastIndexOf(';');
        String iface = semicolon < 0 ? null : host.substring(0, semicolon);
        String address = semicolon < 0 ? host : host.substring(semicolon + 1);
        InetAddress target;
        if (address.equals("*")) {
            if (iface != null) {
                throw new IllegalArgumentException("udp: " + endpoint + " names an interface but no multicast group");
            }
            target = null;
        } else {
            target = resolve(address, endpoint);
        }
        if (target == null || !target.isMulticastAddress()) {
            if (iface != null) {
                throw new IllegalArgumentException("udp: an interface (" + iface + ";) goes only with a multicast group,"
                        + " and " + address + " is not one (" + endpoint + ")");
            }
            return new UdpAddress(target, endpoint.port(), null, false);
        }
        boolean v6 = target instanceof Inet6Address;
        if (iface == null || iface.equals("*")) {
            return new UdpAddress(target, endpoint.port(), defaultInterface(v6), false);
        }
        return new UdpAddress(target, endpoint.port(), namedInterface(iface, endpoint), true);
    }

    private static InetAddress resolve(String address, Endpoint endpoint) {
        if (address.isEmpty()) {
            throw new IllegalArgumentException("udp: empty address in " + endpoint);
        }
        try {
            return InetAddress.getByName(address.startsWith("[") && address.endsWith("]")
                    ? address.substring(1, address.length() - 1) : address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("udp: unknown host in " + endpoint, e);
        }
    }

    /** The interface an endpoint names: by one of its addresses (a literal, no DNS) or by its name. */
    private static NetworkInterface namedInterface(String iface, Endpoint endpoint) {
        try {
            NetworkInterface byName = NetworkInterface.getByName(iface);
            if (byName != null) {
                return byName;
            }
            if (isLiteral(iface)) {
                InetAddress a = InetAddress.getByName(iface);
                if (a.isMulticastAddress()) {
                    throw new IllegalArgumentException("udp: the interface of " + endpoint + " is a multicast address");
                }
                NetworkInterface byAddress = NetworkInterface.getByInetAddress(a);
                if (byAddress != null) {
                    return byAddress;
                }
            }
        } catch (SocketException | UnknownHostException e) {
            throw new IllegalArgumentException("udp: cannot look up interface '" + iface + "' of " + endpoint, e);
        }
        throw new IllegalArgumentException("udp: no interface of this host is named or has the address '" + iface
                + "' (" + endpoint + ")");
    }

    private static boolean isLiteral(String text) {
        return text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    /**
     * Where multicast goes when no interface is named: the first interface that is up, not a
     * loopback, takes multicast and has an address of the group's family (the kernel's choice for
     * libzmq is the default route's); null when there is none, and then the kernel chooses.
     */
    private static NetworkInterface defaultInterface(boolean v6) {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (ni.isUp() && !ni.isLoopback() && ni.supportsMulticast() && Collections.list(ni.getInetAddresses())
                        .stream().anyMatch(a -> v6 ? a instanceof Inet6Address : a instanceof Inet4Address)) {
                    return ni;
                }
            }
        } catch (SocketException e) {
            return null;
        }
        return null;
    }
}
