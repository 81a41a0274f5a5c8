package io.zmtp.socket;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Netty's I/O handler of one loop with its {@link LoopPermit}: given up only when the loop may block
 * for I/O, held again when the handler returns, before the loop's tasks run.
 */
final class PermitIoHandler implements IoHandler {
    private final IoHandler io;
    private final LoopPermit permit;

    private PermitIoHandler(IoHandler io, LoopPermit permit) {
        this.io = io;
        this.permit = permit;
    }

    /** {@code factory}'s handlers, each with a permit that {@code permits} learns under its loop. */
    static IoHandlerFactory wrap(IoHandlerFactory factory, Map<Executor, LoopPermit> permits) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor loop) {
                LoopPermit permit = new LoopPermit();
                permits.put(loop, permit);
                return new PermitIoHandler(factory.newHandler(loop), permit);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return false;
            }
        };
    }

    @Override
    public void initialize() {
        io.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        if (context.canBlock()) {
            permit.release();
        }
        try {
            return io.run(context);
        } finally {
            permit.hold();
        }
    }

    @Override
    public void prepareToDestroy() {
        io.prepareToDestroy();
    }

    @Override
    public void destroy() {
        io.destroy();
        permit.release();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return io.register(handle);
    }

    @Override
    public void wakeup() {
        io.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return io.isCompatible(handleType);
    }
}
