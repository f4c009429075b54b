/// Postgres's `hash_bytes_extended` (src/common/hashfn.c, Bob Jenkins' lookup3), the
/// function behind `hashtextextended(text, seed)`: computing it here lets a digest of the
/// desired rows be compared with one Postgres computes over the rows it holds. The bytes
/// are read little-endian, as Postgres does on the little-endian machines it runs on; a
/// big-endian server computes other values, so its digests never match and every cycle
/// reads the rows instead.
public enum PGHash {
    public static func hashBytesExtended(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var length = bytes.count
        var a = UInt32(truncatingIfNeeded: 0x9E37_79B9 &+ UInt32(truncatingIfNeeded: length) &+ 3_923_095)
        var b = a, c = a
        if seed != 0 {
            a &+= UInt32(truncatingIfNeeded: seed >> 32)
            b &+= UInt32(truncatingIfNeeded: seed)
            mix(&a, &b, &c)
        }
        guard var k = bytes.baseAddress else {
            final(&a, &b, &c)
            return UInt64(b) << 32 | UInt64(c)
        }
        func word(_ offset: Int) -> UInt32 { k.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian }
        func byte(_ offset: Int) -> UInt32 { UInt32(k.load(fromByteOffset: offset, as: UInt8.self)) }
        while length >= 12 {
            a &+= word(0)
            b &+= word(4)
            c &+= word(8)
            mix(&a, &b, &c)
            k += 12
            length -= 12
        }
        // The last 0–11 bytes; the lowest byte of c is left for the length.
        if length >= 11 { c &+= byte(10) << 24 }
        if length >= 10 { c &+= byte(9) << 16 }
        if length >= 9 { c &+= byte(8) << 8 }
        if length >= 8 { b &+= byte(7) << 24 }
        if length >= 7 { b &+= byte(6) << 16 }
        if length >= 6 { b &+= byte(5) << 8 }
        if length >= 5 { b &+= byte(4) }
        if length >= 4 { a &+= byte(3) << 24 }
        if length >= 3 { a &+= byte(2) << 16 }
        if length >= 2 { a &+= byte(1) << 8 }
        if length >= 1 { a &+= byte(0) }
        final(&a, &b, &c)
        return UInt64(b) << 32 | UInt64(c)
    }

    @inline(__always)
    private static func rot(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

    @inline(__always)
    private static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        a &-= c; a ^= rot(c, 4); c &+= b
        b &-= a; b ^= rot(a, 6); a &+= c
        c &-= b; c ^= rot(b, 8); b &+= a
        a &-= c; a ^= rot(c, 16); c &+= b
        b &-= a; b ^= rot(a, 19); a &+= c
        c &-= b; c ^= rot(b, 4); b &+= a
    }

    @inline(__always)
    private static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        c ^= b; c &-= rot(b, 14)
        a ^= c; a &-= rot(c, 11)
        b ^= a; b &-= rot(a, 25)
        c ^= b; c &-= rot(b, 16)
        a ^= c; a &-= rot(c, 4)
        b ^= a; b &-= rot(a, 14)
        c ^= b; c &-= rot(b, 24)
    }
}
