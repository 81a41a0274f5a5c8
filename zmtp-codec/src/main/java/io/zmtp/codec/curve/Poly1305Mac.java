package io.zmtp.codec.curve;

/**
 * Poly1305 (RFC 8439 section 2.5) with its state in fields, keyed anew for every box without
 * allocating, reading the message straight from a {@link BufferRegion}. Arithmetic modulo
 * 2^130 - 5 in five 26-bit limbs; products fit a {@code long} with room to spare.
 */
final class Poly1305Mac {
    private static final long M26 = 0x3ffffffL;

    private long r0, r1, r2, r3, r4;
    private long s1, s2, s3, s4;
    private long h0, h1, h2, h3, h4;
    private long pad0, pad1, pad2, pad3;

    /** Keys the MAC with a one-time key given as eight little-endian words (r then s) from {@code key[0..8)}. */
    void init(int[] key) {
        long t0 = key[0] & 0xffffffffL;
        long t1 = key[1] & 0xffffffffL;
        long t2 = key[2] & 0xffffffffL;
        long t3 = key[3] & 0xffffffffL;
        // r is clamped as the RFC says; the masks below fold the clamping into the limb split.
        r0 = t0 & 0x3ffffffL;
        r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03L;
        r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ffL;
        r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fffL;
        r4 = (t3 >>> 8) & 0x00fffffL;
        s1 = r1 * 5;
        s2 = r2 * 5;
        s3 = r3 * 5;
        s4 = r4 * 5;
        h0 = h1 = h2 = h3 = h4 = 0;
        pad0 = key[4] & 0xffffffffL;
        pad1 = key[5] & 0xffffffffL;
        pad2 = key[6] & 0xffffffffL;
        pad3 = key[7] & 0xffffffffL;
    }

    /** Absorbs the whole message: {@code length} bytes of {@code in} from {@code index}. */
    void update(BufferRegion in, int index, int length) {
        int end = index + length;
        int i = index;
        for (; end - i >= 16; i += 16) {
            block(in.getIntLE(i), in.getIntLE(i + 4), in.getIntLE(i + 8), in.getIntLE(i + 12), 1L << 24);
        }
        int rest = end - i;
        if (rest > 0) {
            // The last partial block gets a 1 byte after it and zeros up to 16, and no 2^128 bit.
            int w0 = 0, w1 = 0, w2 = 0, w3 = 0;
            for (int j = 0; j <= rest; j++) {
                int b = j < rest ? in.getByte(i + j) & 0xff : 1;
                int shifted = b << (8 * (j & 3));
                switch (j >>> 2) {
                    case 0 -> w0 |= shifted;
                    case 1 -> w1 |= shifted;
                    case 2 -> w2 |= shifted;
                    default -> w3 |= shifted;
                }
            }
            block(w0, w1, w2, w3, 0);
        }
    }

    private void block(int w0, int w1, int w2, int w3, long hibit) {
        long t0 = w0 & 0xffffffffL;
        long t1 = w1 & 0xffffffffL;
        long t2 = w2 & 0xffffffffL;
        long t3 = w3 & 0xffffffffL;
        long a0 = h0 + (t0 & M26);
        long a1 = h1 + (((t0 >>> 26) | (t1 << 6)) & M26);
        long a2 = h2 + (((t1 >>> 20) | (t2 << 12)) & M26);
        long a3 = h3 + (((t2 >>> 14) | (t3 << 18)) & M26);
        long a4 = h4 + ((t3 >>> 8) | hibit);

        long d0 = a0 * r0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
        long d1 = a0 * r1 + a1 * r0 + a2 * s4 + a3 * s3 + a4 * s2;
        long d2 = a0 * r2 + a1 * r1 + a2 * r0 + a3 * s4 + a4 * s3;
        long d3 = a0 * r3 + a1 * r2 + a2 * r1 + a3 * r0 + a4 * s4;
        long d4 = a0 * r4 + a1 * r3 + a2 * r2 + a3 * r1 + a4 * r0;

        long c = d0 >>> 26;
        h0 = d0 & M26;
        d1 += c;
        c = d1 >>> 26;
        h1 = d1 & M26;
        d2 += c;
        c = d2 >>> 26;
        h2 = d2 & M26;
        d3 += c;
        c = d3 >>> 26;
        h3 = d3 & M26;
        d4 += c;
        c = d4 >>> 26;
        h4 = d4 & M26;
        h0 += c * 5;
        c = h0 >>> 26;
        h0 &= M26;
        h1 += c;
    }

    /** The tag, as four little-endian words in {@code tag[0..4)}; the state is wiped after. */
    void finish(int[] tag) {
        long c = h1 >>> 26;
        h1 &= M26;
        h2 += c;
        c = h2 >>> 26;
        h2 &= M26;
        h3 += c;
        c = h3 >>> 26;
        h3 &= M26;
        h4 += c;
        c = h4 >>> 26;
        h4 &= M26;
        h0 += c * 5;
        c = h0 >>> 26;
        h0 &= M26;
        h1 += c;

        // g = h + 5 - 2^130; take g when it is not negative (h >= p), without branching on h.
        long g0 = h0 + 5;
        c = g0 >>> 26;
        g0 &= M26;
        long g1 = h1 + c;
        c = g1 >>> 26;
        g1 &= M26;
        long g2 = h2 + c;
        c = g2 >>> 26;
        g2 &= M26;
        long g3 = h3 + c;
        c = g3 >>> 26;
        g3 &= M26;
        long g4 = h4 + c - (1L << 26);
        long takeG = (g4 >>> 63) - 1;
        long takeH = ~takeG;
        long f0 = (h0 & takeH) | (g0 & takeG);
        long f1 = (h1 & takeH) | (g1 & takeG);
        long f2 = (h2 & takeH) | (g2 & takeG);
        long f3 = (h3 & takeH) | (g3 & takeG);
        long f4 = (h4 & takeH) | (g4 & takeG);

        long w0 = (f0 | (f1 << 26)) & 0xffffffffL;
        long w1 = ((f1 >>> 6) | (f2 << 20)) & 0xffffffffL;
        long w2 = ((f2 >>> 12) | (f3 << 14)) & 0xffffffffL;
        long w3 = ((f3 >>> 18) | (f4 << 8)) & 0xffffffffL;

        long f = w0 + pad0;
        tag[0] = (int) f;
        f = w1 + pad1 + (f >>> 32);
        tag[1] = (int) f;
        f = w2 + pad2 + (f >>> 32);
        tag[2] = (int) f;
        f = w3 + pad3 + (f >>> 32);
        tag[3] = (int) f;
        wipe();
    }

    /** Forgets the key and the accumulator. */
    void wipe() {
        r0 = r1 = r2 = r3 = r4 = 0;
        s1 = s2 = s3 = s4 = 0;
        h0 = h1 = h2 = h3 = h4 = 0;
        pad0 = pad1 = pad2 = pad3 = 0;
    }
}
