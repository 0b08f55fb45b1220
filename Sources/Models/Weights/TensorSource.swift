import Foundation

/// Where the forward pass's weights are read from: a safetensors file, a PyTorch checkpoint, or
/// a view of one under other names (`OpenAICLIPTensors`).
public protocol TensorSource: AnyObject {
    /// The file, for error messages.
    var path: String { get }
    /// The float32 values of tensor `name`, checked against `shape`; valid until `release(name)`.
    func floats(_ name: String, shape: [Int]) throws -> UnsafePointer<Float>
    /// The tensor has been copied (packed): its memory may go.
    func release(_ name: String)
}

/// Sources that can list their tensors and shapes (to read a config from them).
public protocol TensorShapes {
    var names: [String] { get }
    func shape(of name: String) -> [Int]?
}

extension TensorShapes {
    /// What comes before `suffix` in the shortest tensor name ending in it ("" for a bare model,
    /// "vision_model." or "dinov2." for one inside a bigger model); nil when no name ends in it.
    public func prefix(before suffix: String) -> String? {
        names.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.min { $0.count < $1.count }
    }
}

extension TorchCheckpoint: TensorShapes {
    public var names: [String] { Array(tensors.keys) }
    public func shape(of name: String) -> [Int]? { tensors[name]?.shape }
}

extension SafetensorsFile: TensorShapes {
    public var names: [String] { Array(entries.keys) }
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }
}

/// The weights of a Hugging Face model folder: `model.safetensors`, or `pytorch_model.bin` (a
/// torch.save state dict, read without running its pickle) where a repo has only that, as
/// PickScore's and older repos do.
public enum FolderWeights {
    public static let files = ["model.safetensors", "pytorch_model.bin"]

    /// The folder's weights file: the first of `files` that exists.
    public static func file(in folder: URL) -> URL? {
        files.map { folder.appendingPathComponent($0) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    public static func open(_ folder: URL) throws -> any TensorSource & TensorShapes {
        guard let url = file(in: folder) else {
            throw WeightsError.cannotOpen(
                path: folder.appendingPathComponent(files[0]).path,
                reason: "no such file (nor \(files[1])): a model folder needs its weights")
        }
        return url.lastPathComponent == files[0] ? try SafetensorsFile(path: url.path) : try TorchCheckpoint(path: url.path)
    }
}
