import Foundation
import SCSImaging

/// Small JPEGs made in the test, for data sets that must be fast to fetch and score.
public enum TinyImages {
    /// A `size`×`size` JPEG of `base`'s noise (a seed), each pixel moved by up to `jitter` levels
    /// by `variant`'s noise: the same `base` and a small jitter give near-identical images.
    public static func jpeg(base: UInt64, variant: UInt64 = 0, jitter: Int = 0, size: Int = 32) throws -> Data {
        var state = base &* 0x9E37_79B9_7F4A_7C15 &+ 1
        var noise = variant &* 0xD1B5_4A32_D192_ED03 &+ 7
        func next(_ s: inout UInt64) -> UInt64 {  // splitmix64
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        for i in pixels.indices {
            let value = Int(next(&state) % 256)
            let moved = jitter > 0 ? value + Int(next(&noise) % UInt64(2 * jitter + 1)) - jitter : value
            pixels[i] = UInt8(clamping: moved)
        }
        return Data(try JPEGEncoder.encode(RGBImage(width: size, height: size, pixels: pixels), quality: 90))
    }
}
