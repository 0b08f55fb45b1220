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
