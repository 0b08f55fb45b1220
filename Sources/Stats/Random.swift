import Foundation

/// xoshiro256** (Blackman & Vigna, 2018), seeded by expanding a 64-bit seed with SplitMix64, as
/// its authors recommend. Documented and simple, so that a bootstrap run with `--seed S` can be
/// reproduced in any language (scripts/oracle/make_stats_fixtures.py does it in Python).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform integer in 0 ..< bound by rejection: draws at or above the largest multiple of
    /// `bound` that fits in 2⁶⁴ are redrawn, the rest reduced modulo `bound` (no bias).
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        let limit = (UInt64.max / b) * b
        while true {
            let r = next()
            if r < limit { return Int(r % b) }
        }
    }
}
