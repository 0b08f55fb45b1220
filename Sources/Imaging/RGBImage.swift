/// An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B (Pillow's "RGB" mode,
/// less its unused fourth byte).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height * width * 3` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(
            width >= 0 && height >= 0 && pixels.count == width * height * 3,
            "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The sub-image `[left, left + width) x [top, top + height)`; the box must lie inside.
    public func cropped(left: Int, top: Int, width w: Int, height h: Int) -> RGBImage {
        precondition(left >= 0 && top >= 0 && left + w <= width && top + h <= height)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let from = src.baseAddress! + ((top + y) * width + left) * 3
                    (dst.baseAddress! + y * w * 3).update(from: from, count: w * 3)
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
