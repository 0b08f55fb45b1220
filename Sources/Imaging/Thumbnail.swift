/// A gallery thumbnail: the image scaled (Pillow-exact BICUBIC) so that its longer side is
/// `maxSide` (never enlarged), as JPEG quality 85: about 10 KB instead of the original's ~100 KB,
/// so a page of 60 images opens fast. One recipe for the report and the annotation server.
public enum Thumbnail {
    public static func jpeg(fileAt path: String, maxSide: Int) throws -> [UInt8] {
        let image = try ImageDecoder.decode(fileAt: path)
        let scale = Double(maxSide) / Double(max(image.width, image.height))
        guard scale < 1 else { return try JPEGEncoder.encode(image, quality: 85) }
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        return try JPEGEncoder.encode(BicubicResize.resize(image, width: width, height: height), quality: 85)
    }
}
