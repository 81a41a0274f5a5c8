package io.zmtp.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zmtp.testing.PeerStream;

/**
 * Any bytes where the peer's greeting belongs (and whatever follows it), into a NULL DEALER: the
 * staged greeting must wait, refuse with a reason, or hand over to the frame decoder. Seeds are
 * greetings of every revision and mechanism (FuzzSeedWriter); see {@link PeerStream}.
 */
class GreetingFuzzTest {
    @FuzzTest
    void greeting(byte[] input) {
        PeerStream.play(ZmtpConfig.builder(SocketType.DEALER).build(), input);
    }
}
