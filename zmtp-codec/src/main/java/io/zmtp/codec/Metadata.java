package io.zmtp.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ZMTP metadata: the properties carried by READY and INITIATE ({@code name-len name value-len
 * value}). Names keep the case they were given in and on the wire (libzmq matches
 * {@code Socket-Type} and {@code Identity} case-sensitively), but lookups ignore case as RFC 23
 * says. Immutable; values are copied in and out.
 */
public final class Metadata {
    public static final String SOCKET_TYPE = "Socket-Type";
    public static final String IDENTITY = "Identity";
    public static final String USER_ID = "User-Id";

    /** Largest value length the wire format allows (uint32 with the top bit clear, per RFC 23). */
    public static final long MAX_VALUE_LENGTH = Integer.MAX_VALUE;

    private static final Metadata EMPTY = new Metadata(new LinkedHashMap<>());

    /** Keyed by the lower-case name; each entry keeps the original name. */
    private final Map<String, Property> properties;

    private record Property(String name, byte[] value) {
    }

    private Metadata(LinkedHashMap<String, Property> properties) {
        this.properties = properties;
    }

    public static Metadata empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value of the named property (any case), or {@code null}. */
    public byte[] get(String name) {
        Property p = properties.get(name.toLowerCase(Locale.ROOT));
        return p == null ? null : p.value.clone();
    }

    /** The value as UTF-8 text, or {@code null}. */
    public String getString(String name) {
        byte[] v = get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    public boolean contains(String name) {
        return properties.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The property names, as given, in wire order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(properties.size());
        for (Property p : properties.values()) {
            names.add(p.name);
        }
        return Collections.unmodifiableList(names);
    }

    public int size() {
        return properties.size();
    }

    public boolean isEmpty() {
        return properties.isEmpty();
    }

    /** A builder holding these properties, to add or replace some. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.properties.putAll(properties);
        return b;
    }

    /** Number of bytes {@link #encode} writes. */
    public int encodedLength() {
        int n = 0;
        for (Property p : properties.values()) {
            n += 1 + p.name.length() + 4 + p.value.length;
        }
        return n;
    }

    /** Writes every property in wire form. */
    public void encode(ByteBuf out) {
        for (Property p : properties.values()) {
            out.writeByte(p.name.length());
            out.writeCharSequence(p.name, StandardCharsets.US_ASCII);
            out.writeInt(p.value.length);
            out.writeBytes(p.value);
        }
    }

    /**
     * Reads properties until {@code in} is exhausted. Like libzmq, a truncated property or bytes
     * left over are a protocol error; unlike libzmq, a name repeated in one command is one too
     * (which value would count is otherwise a guess).
     */
    public static Metadata decode(ByteBuf in) {
        Builder b = new Builder();
        while (in.isReadable()) {
            int start = in.readerIndex();
            int nameLength = in.readUnsignedByte();
            if (nameLength == 0) {
                throw new ZmtpProtocolException("metadata property with an empty name at command byte " + start);
            }
            if (in.readableBytes() < nameLength + 4) {
                throw new ZmtpProtocolException("metadata property truncated: name of " + nameLength
                        + " bytes and a 4-byte length do not fit in the " + in.readableBytes() + " bytes left");
            }
            String name = in.readCharSequence(nameLength, StandardCharsets.US_ASCII).toString();
            long valueLength = in.readUnsignedInt();
            if (valueLength > in.readableBytes()) {
                throw new ZmtpProtocolException("metadata property '" + name + "' declares a value of "
                        + valueLength + " bytes but only " + in.readableBytes() + " remain");
            }
            byte[] value = new byte[(int) valueLength];
            in.readBytes(value);
            String key = name.toLowerCase(Locale.ROOT);
            if (b.properties.containsKey(key)) {
                throw new ZmtpProtocolException("metadata property '" + name + "' appears twice");
            }
            b.properties.put(key, new Property(name, value));
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Metadata other) || other.properties.size() != properties.size()) {
            return false;
        }
        for (Map.Entry<String, Property> e : properties.entrySet()) {
            Property mine = e.getValue();
            Property theirs = other.properties.get(e.getKey());
            if (theirs == null || !mine.name.equals(theirs.name) || !Arrays.equals(mine.value, theirs.value)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Property p : properties.values()) {
            h += p.name.toLowerCase(Locale.ROOT).hashCode() ^ Arrays.hashCode(p.value);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Property p : properties.values()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(p.name).append('=');
            if (isPrintable(p.value)) {
                sb.append(new String(p.value, StandardCharsets.US_ASCII));
            } else {
                sb.append("0x");
                for (byte x : p.value) {
                    sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
                }
            }
        }
        return sb.append('}').toString();
    }

    private static boolean isPrintable(byte[] value) {
        for (byte x : value) {
            if (x < 0x20 || x > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** Collects properties; a later {@code put} of the same name (any case) replaces the earlier one. */
    public static final class Builder {
        private final LinkedHashMap<String, Property> properties = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String name, byte[] value) {
            validateName(name);
            if (value == null) {
                throw new IllegalArgumentException("metadata property '" + name + "' has a null value");
            }
            properties.put(name.toLowerCase(Locale.ROOT), new Property(name, value.clone()));
            return this;
        }

        public Builder put(String name, String value) {
            if (value == null) {
                throw new IllegalArgumentException("metadata property '" + name + "' has a null value");
            }
            return put(name, value.getBytes(StandardCharsets.UTF_8));
        }

        /** Adds every property of {@code other}, replacing same-named ones. */
        public Builder putAll(Metadata other) {
            properties.putAll(other.properties);
            return this;
        }

        public Metadata build() {
            return properties.isEmpty() ? EMPTY : new Metadata(new LinkedHashMap<>(properties));
        }

        /** RFC 23: 1..255 octets of ALPHA, DIGIT, "-", "_", ".", "+". */
        private static void validateName(String name) {
            if (name == null || name.isEmpty() || name.length() > 255) {
                throw new IllegalArgumentException("metadata name must be 1..255 characters: '" + name + "'");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_' || c == '.' || c == '+';
                if (!ok) {
                    throw new IllegalArgumentException("metadata name '" + name + "' has character '" + c
                            + "'; RFC 23 allows letters, digits, '-', '_', '.', '+'");
                }
            }
        }
    }
}
