package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A reusable flyweight over a checked range of a {@link ByteBuf}, read and written as little-endian
 * words. It goes to the heap array or the native address when the buffer has one, so that boxing
 * neither allocates (as {@code nioBuffer()} would) nor pays a bounds and leak-record check per word
 * (as {@code getIntLE} on a leak-aware wrapper does). The range is checked once, in {@link #bind}.
 */
final class BufferRegion {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final boolean NATIVE_LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private ByteBuf buf;
    private byte[] array;
    private int arrayOffset;
    private long address;

    /** Points this region at {@code length} bytes of {@code target} from {@code index}. */
    void bind(ByteBuf target, int index, int length) {
        Objects.checkFromIndexSize(index, length, target.capacity());
        if (target.refCnt() == 0) {
            throw new IllegalReferenceCountException(0);
        }
        buf = target;
        if (target.hasArray()) {
            array = target.array();
            arrayOffset = target.arrayOffset();
            address = 0;
        } else if (PlatformDependent.hasUnsafe() && target.hasMemoryAddress()) {
            array = null;
            address = target.memoryAddress();
        } else {
            array = null;
            address = 0;
        }
    }

    /** Drops the buffer, so a connection's box does not keep a released buffer reachable. */
    void unbind() {
        buf = null;
        array = null;
        address = 0;
    }

    int getIntLE(int index) {
        if (array != null) {
            return (int) INT_LE.get(array, arrayOffset + index);
        }
        if (address != 0) {
            int v = PlatformDependent.getInt(address + index);
            return NATIVE_LE ? v : Integer.reverseBytes(v);
        }
        return buf.getIntLE(index);
    }

    void setIntLE(int index, int value) {
        if (array != null) {
            INT_LE.set(array, arrayOffset + index, value);
        } else if (address != 0) {
            PlatformDependent.putInt(address + index, NATIVE_LE ? value : Integer.reverseBytes(value));
        } else {
            buf.setIntLE(index, value);
        }
    }

    long getLongLE(int index) {
        if (array != null) {
            return (long) LONG_LE.get(array, arrayOffset + index);
        }
        if (address != 0) {
            long v = PlatformDependent.getLong(address + index);
            return NATIVE_LE ? v : Long.reverseBytes(v);
        }
        return buf.getLongLE(index);
    }

    void setLongLE(int index, long value) {
        if (array != null) {
            LONG_LE.set(array, arrayOffset + index, value);
        } else if (address != 0) {
            PlatformDependent.putLong(address + index, NATIVE_LE ? value : Long.reverseBytes(value));
        } else {
            buf.setLongLE(index, value);
        }
    }

    int getByte(int index) {
        if (array != null) {
            return array[arrayOffset + index];
        }
        if (address != 0) {
            return PlatformDependent.getByte(address + index);
        }
        return buf.getByte(index);
    }

    void setByte(int index, int value) {
        if (array != null) {
            array[arrayOffset + index] = (byte) value;
        } else if (address != 0) {
            PlatformDependent.putByte(address + index, (byte) value);
        } else {
            buf.setByte(index, value);
        }
    }
}
