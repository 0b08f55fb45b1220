/// A model's image preprocessing, exactly as its reference code does it. By default OpenAI
/// CLIP's (`clip.load(...)[1]`, torchvision's transforms on a PIL image):
/// 1. bicubic resize (Pillow's) so the short side is `resize`'s edge (`size` for CLIP) and the
///    long side `int(edge * long / short)`; or, for `.exact`, both sides to `size` (SigLIP);
/// 2. centre crop `size` x `size`, offsets `int(round((h - size) / 2))` (Python's round: half to even);
/// 3. to float32 in 0...1 (`x / 255`), then `(x - mean) / std` per channel, CHW layout.
/// Given a `PillowImage` (the default path: `ImageDecoder.decodeNative`), step 1 runs in the
/// image's own mode and the conversion to RGB comes after the crop, exactly as `clip.load`'s
/// transform (Resize, CenterCrop, `_convert_image_to_rgb`, ToTensor, Normalize) does it: palette
/// and 1-bit images resized by nearest neighbour, alpha premultiplied, 16-bit gray in 16 bits
/// (see ModeResize). Given an `RGBImage`, the conversion has happened first; for RGB and gray
/// images the two are the same.
public struct ImagePreprocessor: Sendable, Equatable {
    /// Whose preprocessing: `clip.load`'s (the paper's; the default), or transformers 5's
    /// CLIPImageProcessor: transparency composited onto white, torch's antialiased bicubic resize
    /// of the uint8 image (`TorchResize`), crop at `int((h − size) / 2)`, and
    /// `(x − 255·mean) / (255·std)` in float32.
    public enum Pipeline: String, Sendable, CaseIterable {
        /// `clip.load`'s: Pillow resize in the image's own mode, crop, then RGB (the paper's).
        case clip
        /// transformers 5's image processors (torchvision backend).
        case transformers
        /// torchvision's transforms on `Image.open(f).convert("RGB")`: RGB first, then Pillow's
        /// resize and crop (DINO's ImageFolder loader, DreamSim's `preprocess`).
        case pil

        /// The name and version score files and the cache record.
        public var versionedName: String { "\(rawValue)-v\(self == .clip ? ImagePreprocessor.version : 1)" }

        /// The pipeline a file records as `name`; nil for one this scs does not compute (another
        /// version's).
        public init?(versionedName name: String) {
            guard let pipeline = Self.allCases.first(where: { $0.versionedName == name }) else { return nil }
            self = pipeline
        }
        /// The cache's integer key for it.
        public var cacheKey: Int {
            switch self {
            case .clip: return ImagePreprocessor.version
            case .transformers: return 101
            case .pil: return 201
            }
        }
    }

    /// Step 1's rule.
    public enum Resize: Sendable, Equatable {
        /// The short side to this many pixels, the aspect ratio kept; then the centre crop.
        case shortestEdge(Int)
        /// Both sides to `size`, the aspect ratio not kept, nothing cropped.
        case exact
    }

    public var pipeline: Pipeline = .clip
    /// The side of the square the network sees.
    public var size: Int
    public var resize: Resize
    public var mean: [Float]
    public var std: [Float]

    public static let openAIMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    public static let openAIStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// Bumped whenever the numbers this produces could change; part of every cache key.
    public static let version = 2

    public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]

    /// `resize` defaults to `.shortestEdge(size)`: CLIP's resize then crop to the same size.
    public init(
        size: Int = 224, resize: Resize? = nil, mean: [Float] = ImagePreprocessor.openAIMean,
        std: [Float] = ImagePreprocessor.openAIStd, pipeline: Pipeline = .clip
    ) {
        precondition(mean.count == 3 && std.count == 3)
        self.pipeline = pipeline
        self.size = size
        self.resize = resize ?? .shortestEdge(size)
        self.mean = mean
        self.std = std
    }

    /// Floats per preprocessed image: 3 x size x size.
    public var elementCount: Int { 3 * size * size }

    /// The size after step 1.
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard case let .shortestEdge(edge) = resize else { return (size, size) }
        // Decoders refuse empty images; a caller's 0 gets the short side, not a trap.
        guard width > 0, height > 0 else { return (edge, edge) }
        if width <= height {
            return (edge, Int(Double(edge * height) / Double(width)))
        }
        return (Int(Double(edge * width) / Double(height)), edge)
    }

    /// Steps 1 and 2: the 8-bit crop the network sees.
    public func resizeAndCrop(_ image: RGBImage) -> RGBImage {
        let target = resizedSize(width: image.width, height: image.height)
        let resized = BicubicResize.resize(image, width: target.width, height: target.height)
        let top = Int((Double(resized.height - size) / 2.0).rounded(.toNearestOrEven))
        let left = Int((Double(resized.width - size) / 2.0).rounded(.toNearestOrEven))
        return resized.cropped(left: left, top: top, width: size, height: size)
    }

    /// Steps 1 and 2 in the image's own mode, then RGB: `clip.load`'s order.
    public func resizeAndCrop(_ image: PillowImage) -> RGBImage {
        let target = resizedSize(width: image.width, height: image.height)
        let resized = ModeResize.resize(image, width: target.width, height: target.height)
        let top = Int((Double(resized.height - size) / 2.0).rounded(.toNearestOrEven))
        let left = Int((Double(resized.width - size) / 2.0).rounded(.toNearestOrEven))
        return resized.cropped(left: left, top: top, width: size, height: size).convertedToRGB()
    }

    /// All three steps, in the order of `pipeline`, as CHW float32 into `output`.
    public func preprocess(_ image: PillowImage, into output: UnsafeMutablePointer<Float>) {
        switch pipeline {
        case .clip:
            normalize(resizeAndCrop(image), into: output)
        case .pil:
            normalize(resizeAndCrop(image.convertedToRGB()), into: output)
        case .transformers:
            let rgb = image.compositedOnWhite()
            let target = resizedSize(width: rgb.width, height: rgb.height)
            let resized = TorchResize.resize(rgb, width: target.width, height: target.height)
            let crop = resized.cropped(left: (resized.width - size) / 2, top: (resized.height - size) / 2, width: size, height: size)
            let plane = size * size
            for c in 0..<3 {
                // transformers fuses rescaling into the normalisation: mean and std times 255, in float32.
                let m = mean[c] * 255, s = std[c] * 255
                for i in 0..<plane { output[c * plane + i] = (Float(crop.pixels[i * 3 + c]) - m) / s }
            }
        }
    }

    /// All three steps, written as CHW float32 into `output` (`elementCount` floats).
    public func preprocess(_ image: RGBImage, into output: UnsafeMutablePointer<Float>) {
        normalize(resizeAndCrop(image), into: output)
    }

    /// Step 3 on the crop.
    func normalize(_ crop: RGBImage, into output: UnsafeMutablePointer<Float>) {
        let plane = size * size
        crop.pixels.withUnsafeBufferPointer { px in
            for c in 0..<3 {
                let m = mean[c], s = std[c]
                let dst = output + c * plane
                for i in 0..<plane {
                    dst[i] = (Float(px[i * 3 + c]) / 255 - m) / s
                }
            }
        }
    }

    /// All three steps in `clip.load`'s order, as a new array.
    public func preprocess(_ image: PillowImage) -> [Float] {
        var out = [Float](repeating: 0, count: elementCount)
        out.withUnsafeMutableBufferPointer { preprocess(image, into: $0.baseAddress!) }
        return out
    }

    /// All three steps, as a new array.
    public func preprocess(_ image: RGBImage) -> [Float] {
        var out = [Float](repeating: 0, count: elementCount)
        out.withUnsafeMutableBufferPointer { preprocess(image, into: $0.baseAddress!) }
        return out
    }
}

/// Files record a pipeline by its versioned name ("clip-v2"): numbers made by another version
/// are not this one's, so reading one is an error rather than a silent match.
extension ImagePreprocessor.Pipeline: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let pipeline = Self(versionedName: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "preprocessing \(name), which this scs does not compute")
        }
        self = pipeline
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(versionedName)
    }
}
