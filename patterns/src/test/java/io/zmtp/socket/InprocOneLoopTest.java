package io.zmtp.socket;

/**
 * Every {@link InprocTest} on a context with one I/O thread (the default), where both sockets of a
 * link share a loop and a write hands a message straight to the peer instead of through its inbox.
 */
class InprocOneLoopTest extends InprocTest {
    @Override
    int ioThreads() {
        return 1;
    }
}
