package io.zmtp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Metadata encodes and decodes to itself; truncated metadata is a protocol error, never worse. */
class MetadataProperties {
    @Provide
    Arbitrary<Metadata> metadata() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ019-_.+").ofMinLength(1).ofMaxLength(40);
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Arbitraries.entries(names, values).list().ofMaxSize(8)
                .uniqueElements(e -> e.getKey().toLowerCase(Locale.ROOT))
                .map(entries -> {
                    Metadata.Builder b = Metadata.builder();
                    entries.forEach(e -> b.put(e.getKey(), e.getValue()));
                    return b.build();
                });
    }

    private static byte[] encode(Metadata m) {
        ByteBuf out = Unpooled.buffer();
        m.encode(out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    @Property(tries = 300)
    void roundTrips(@ForAll("metadata") Metadata m) {
        byte[] bytes = encode(m);
        assertThat(bytes).hasSize(m.encodedLength());
        Metadata back = Metadata.decode(Unpooled.wrappedBuffer(bytes));
        assertThat(back).isEqualTo(m);
        for (String name : m.names()) {
            assertThat(back.get(name.toUpperCase(Locale.ROOT))).isEqualTo(m.get(name));
        }
    }

    /** Cutting inside the last property (not at a property boundary, which is valid) must fail cleanly. */
    @Property(tries = 300)
    void truncationInsideAPropertyIsAProtocolError(@ForAll("metadata") Metadata m, @ForAll long seed) {
        byte[] bytes = encode(m);
        if (m.isEmpty()) {
            return;
        }
        String last = m.names().get(m.size() - 1);
        int lastLength = 1 + last.length() + 4 + m.get(last).length;
        int lastStart = bytes.length - lastLength;
        int cut = lastStart + 1 + (int) Math.floorMod(seed, (long) (lastLength - 1));
        assertThatThrownBy(() -> Metadata.decode(Unpooled.wrappedBuffer(bytes, 0, cut)))
                .isInstanceOf(ZmtpProtocolException.class);
    }

    @Property(tries = 50)
    void aHugeDeclaredValueLengthFailsWithoutAllocatingIt(@ForAll("lengths") long declared) {
        ByteBuf in = Unpooled.buffer().writeByte(1).writeByte('x').writeInt((int) declared).writeBytes(new byte[10]);
        assertThatThrownBy(() -> Metadata.decode(in)).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining(Long.toString(declared));
    }

    @Provide
    Arbitrary<Long> lengths() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0xFFFFFFFFL)),
                Tuple.of(1, Arbitraries.just(0x7FFFFFFFL)), Tuple.of(3, Arbitraries.longs().between(11, 0xFFFFFFFFL)));
    }

}
