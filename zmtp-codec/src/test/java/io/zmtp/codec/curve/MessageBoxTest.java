package io.zmtp.codec.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-connection box against libsodium's known answer and, over random keys, nonces and
 * lengths up to 64 KiB, against {@link CryptoBox}'s straightforward Bouncy Castle path; on heap,
 * pooled direct and composite buffers (the three ways {@link BufferRegion} reaches bytes).
 */
class MessageBoxTest {
    /** crypto_box_beforenm of NaCl's test keys, nonce, message and box (tag then ciphertext). */
    private static final byte[] KEY = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    private static final byte[] NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final byte[] MESSAGE = hex(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
            + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
            + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    private static final byte[] BOX = hex(
            "f3ffc7703f9400e52a7dfb4b3d3305d9"
            + "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
            + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
            + "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
            + "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5");

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static long counterOf(byte[] nonce24) {
        return ByteBuffer.wrap(nonce24, 16, 8).getLong();
    }

    private static ByteBuf buffer(String kind, byte[] content, int at) {
        ByteBuf b = switch (kind) {
            case "heap" -> Unpooled.buffer(at + content.length + 3);
            case "direct" -> PooledByteBufAllocator.DEFAULT.directBuffer(at + content.length + 3);
            default -> {
                CompositeByteBuf c = Unpooled.compositeBuffer();
                int half = (at + content.length) / 2;
                c.addComponent(true, Unpooled.buffer(half).writeZero(half));
                c.addComponent(true, Unpooled.directBuffer(at + content.length - half + 3)
                        .writeZero(at + content.length - half + 3));
                c.writerIndex(0);
                yield c;
            }
        };
        b.writeZero(at).writeBytes(content).writeZero(3);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct", "composite"})
    void sealsAndOpensNaclsKnownBox(String kind) {
        byte[] prefix = Arrays.copyOf(NONCE, 16);
        try (MessageBox box = new MessageBox(KEY, prefix)) {
            byte[] tagSpaceAndMessage = new byte[16 + MESSAGE.length];
            System.arraycopy(MESSAGE, 0, tagSpaceAndMessage, 16, MESSAGE.length);
            ByteBuf buf = buffer(kind, tagSpaceAndMessage, 5);
            ByteBuf out = buffer(kind, new byte[MESSAGE.length], 2);
            try {
                box.seal(buf, 5, MESSAGE.length, counterOf(NONCE));
                assertThat(ByteBufUtil.getBytes(buf, 5, BOX.length)).isEqualTo(BOX);
                assertThat(buf.getByte(5 + BOX.length)).as("byte behind the box untouched").isZero();

                assertThat(box.open(buf, 5, MESSAGE.length, counterOf(NONCE), out, 2)).isTrue();
                assertThat(ByteBufUtil.getBytes(out, 2, MESSAGE.length)).isEqualTo(MESSAGE);
            } finally {
                buf.release();
                out.release();
            }
        }
    }

    @Property(tries = 60)
    void agreesWithBouncyCastlesBox(@ForAll("lengths") int length, @ForAll long counter, @ForAll long seed) {
        Random random = new Random(seed);
        byte[] key = new byte[32];
        byte[] prefix = new byte[16];
        byte[] message = new byte[length];
        random.nextBytes(key);
        random.nextBytes(prefix);
        random.nextBytes(message);
        byte[] nonce = CurveCrypto.shortNonce(prefix, counter);
        byte[] expected = CryptoBox.seal(key, nonce, message);

        try (MessageBox box = new MessageBox(key, prefix)) {
            for (String kind : new String[] {"heap", "direct"}) {
                byte[] tagSpaceAndMessage = new byte[16 + length];
                System.arraycopy(message, 0, tagSpaceAndMessage, 16, length);
                ByteBuf buf = buffer(kind, tagSpaceAndMessage, 1);
                ByteBuf out = buffer(kind, new byte[length], 0);
                try {
                    box.seal(buf, 1, length, counter);
                    assertThat(ByteBufUtil.getBytes(buf, 1, 16 + length)).as(kind).isEqualTo(expected);
                    assertThat(box.open(buf, 1, length, counter, out, 0)).isTrue();
                    assertThat(ByteBufUtil.getBytes(out, 0, length)).as(kind).isEqualTo(message);
                } finally {
                    buf.release();
                    out.release();
                }
            }
        }
    }

    /** Short lengths around the block and word edges often, and the rest up to 64 KiB. */
    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 200)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 65_536)));
    }

    @Property(tries = 100)
    void everyFlippedBitIsRefusedAndNothingIsWritten(@ForAll @IntRange(min = 0, max = 16 + 130) int byteIndex,
                                                     @ForAll @IntRange(min = 0, max = 7) int bit) {
        byte[] tampered = BOX.clone();
        tampered[byteIndex] ^= (byte) (1 << bit);
        try (MessageBox box = new MessageBox(KEY, Arrays.copyOf(NONCE, 16))) {
            ByteBuf buf = Unpooled.wrappedBuffer(tampered);
            ByteBuf out = Unpooled.buffer(MESSAGE.length).writeZero(MESSAGE.length);
            try {
                assertThat(box.open(buf, 0, MESSAGE.length, counterOf(NONCE), out, 0)).isFalse();
                assertThat(ByteBufUtil.getBytes(out)).containsOnly(0);
            } finally {
                buf.release();
                out.release();
            }
        }
    }

    @Test
    void anotherCounterDoesNotOpen() {
        try (MessageBox box = new MessageBox(KEY, Arrays.copyOf(NONCE, 16))) {
            ByteBuf buf = Unpooled.wrappedBuffer(BOX.clone());
            ByteBuf out = Unpooled.buffer(MESSAGE.length);
            try {
                assertThat(box.open(buf, 0, MESSAGE.length, counterOf(NONCE) + 1, out, 0)).isFalse();
            } finally {
                buf.release();
                out.release();
            }
        }
    }

    @Test
    void rangesOutsideTheBufferAreRefusedBeforeAnyAccess() {
        try (MessageBox box = new MessageBox(KEY, Arrays.copyOf(NONCE, 16))) {
            ByteBuf buf = Unpooled.buffer(20);
            try {
                assertThatThrownBy(() -> box.seal(buf, 0, 5, 1)).isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> box.seal(buf, -1, 1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void closeWipesTheSubkeyAndRefusesFurtherBoxes() {
        MessageBox box = new MessageBox(KEY, Arrays.copyOf(NONCE, 16));
        assertThat(box.isWiped()).isFalse();
        box.close();
        assertThat(box.isWiped()).isTrue();
        ByteBuf buf = Unpooled.buffer(64).writeZero(64);
        try {
            assertThatThrownBy(() -> box.seal(buf, 0, 8, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("wiped");
        } finally {
            buf.release();
        }
    }
}
