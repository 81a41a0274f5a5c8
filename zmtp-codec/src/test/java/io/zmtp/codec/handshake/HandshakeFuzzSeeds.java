package io.zmtp.codec.handshake;

import io.zmtp.codec.SocketType;
import io.zmtp.codec.ZmtpConfig;
import io.zmtp.codec.ZmtpMessage;
import io.zmtp.testing.FuzzSeeds;

import java.io.IOException;

/** Seeds of {@link HandshakeFuzzTest}: what a real peer sends in each handshake, captured. */
public final class HandshakeFuzzSeeds {
    private HandshakeFuzzSeeds() {
    }

    public static void write() throws IOException {
        Class<?> t = HandshakeFuzzTest.class;
        ZmtpConfig dealer = ZmtpConfig.builder(SocketType.DEALER).build();
        ZmtpConfig router = ZmtpConfig.builder(SocketType.ROUTER).build();
        FuzzSeeds.streamSeeds(t, "nullServer", "dealer",
                FuzzSeeds.capture(dealer, HandshakeFuzzTest.nullServer(), hello()));
        FuzzSeeds.streamSeeds(t, "plainServer", "client",
                FuzzSeeds.capture(HandshakeFuzzTest.plainClient(), HandshakeFuzzTest.plainServer(), hello()));
        FuzzSeeds.streamSeeds(t, "plainClient", "server",
                FuzzSeeds.capture(HandshakeFuzzTest.plainServer(), HandshakeFuzzTest.plainClient(), hello()));
        FuzzSeeds.streamSeeds(t, "curveServer", "client",
                FuzzSeeds.capture(HandshakeFuzzTest.curveClient(), HandshakeFuzzTest.curveServer(), hello()));
        FuzzSeeds.streamSeeds(t, "curveClient", "server",
                FuzzSeeds.capture(HandshakeFuzzTest.curveServer(), HandshakeFuzzTest.curveClient(), hello()));
        FuzzSeeds.streamSeeds(t, "nullServer", "router-to-dealer",
                FuzzSeeds.capture(router, dealer, hello()));
    }

    private static ZmtpMessage hello() {
        return ZmtpMessage.ofStrings("", "hello", "world");
    }
}
