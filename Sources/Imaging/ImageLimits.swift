import Foundation

/// How large an image scs agrees to decode, checked from the header before any pixel buffer is
/// allocated, so a small file that declares a huge image (a decompression bomb) cannot exhaust
/// memory.
///
/// Pillow's rule, with its numbers: `Image.MAX_IMAGE_PIXELS` is 89,478,485 (a quarter GiB of
/// 3-byte pixels); past it `Image.open` warns, past twice it raises `DecompressionBombError`.
/// scs refuses past the same twice-the-limit by default, so it reads every image Pillow reads;
/// `--max-pixels` changes it, process-wide as Pillow's module setting is.
public enum ImageLimits {
    /// `PIL.Image.MAX_IMAGE_PIXELS`: `int(1024 * 1024 * 1024 // 4 // 3)`.
    public static let pillowMaxImagePixels = 89_478_485
    /// The default limit: where Pillow raises instead of warning.
    public static let defaultMaxPixels = 2 * pillowMaxImagePixels

    private static let lock = NSLock()
    nonisolated(unsafe) private static var _maxPixels = defaultMaxPixels

    /// The most pixels (width × height) an image may have.
    public static var maxPixels: Int {
        get { lock.withLock { _maxPixels } }
        set { lock.withLock { _maxPixels = max(1, newValue) } }
    }

    /// Throws `tooLarge` when a header declares more than `maxPixels` pixels (or sides whose
    /// product overflows).
    static func check(width: Int, height: Int, format: ImageFormat) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        let limit = maxPixels
        if overflow || pixels > limit {
            throw ImageDecodingError.tooLarge(format, width: width, height: height, limit: limit)
        }
    }
}
