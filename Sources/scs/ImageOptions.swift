import ArgumentParser
import SCSImaging

/// How large an image may be.
struct ImageOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Refuse images of more pixels than this, before decoding them (default: \(ImageLimits.defaultMaxPixels), where Pillow raises DecompressionBombError).",
            valueName: "n"))
    var maxPixels: Int = ImageLimits.defaultMaxPixels

    func validate() throws {
        if maxPixels < 1 { throw ValidationError("--max-pixels must be at least 1") }
    }

    /// Sets the process-wide limit, as Pillow's `Image.MAX_IMAGE_PIXELS` is.
    func apply() { ImageLimits.maxPixels = maxPixels }
}
