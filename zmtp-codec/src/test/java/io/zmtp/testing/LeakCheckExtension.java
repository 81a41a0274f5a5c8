package io.zmtp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every test
 * through JUnit's extension auto-detection. Leaks surface only after the garbage collector has
 * found the lost buffer and another buffer is allocated, so it collects and allocates a few times.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.onSpinWait();
            provokeReport();
        }
        List<String> leaks = new ArrayList<>(RecordingLeakDetector.LEAKS);
        RecordingLeakDetector.LEAKS.clear();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) during " + context.getDisplayName()
                    + ":\n" + String.join("\n", leaks));
        }
    }

    private static void provokeReport() {
        for (ByteBuf b : new ByteBuf[] {
                PooledByteBufAllocator.DEFAULT.directBuffer(1), PooledByteBufAllocator.DEFAULT.heapBuffer(1),
                UnpooledByteBufAllocator.DEFAULT.directBuffer(1), UnpooledByteBufAllocator.DEFAULT.heapBuffer(1)}) {
            b.release();
        }
    }
}
