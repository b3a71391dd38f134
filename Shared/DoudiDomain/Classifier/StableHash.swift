// Small, stable hashing and pseudo-randomness for reproducible sampling and ids. Swift's own
// `Hasher` is seeded per process, so anything that must replay identically uses these instead.

/// 64-bit FNV-1a over UTF-8 bytes: stable across runs, platforms and Swift versions.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    public static func hash(_ text: String, seed: UInt64 = offsetBasis) -> UInt64 {
        hash(bytes: text.utf8, seed: seed)
    }

    public static func hash<Bytes: Sequence<UInt8>>(bytes: Bytes, seed: UInt64 = offsetBasis) -> UInt64 {
        var h = seed
        for byte in bytes { h = (h ^ UInt64(byte)) &* prime }
        return h
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator; `mix` is its finaliser.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return SplitMix64.mix(state)
    }

    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
