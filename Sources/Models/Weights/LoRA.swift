import Foundation

/// A tensor source with PEFT LoRA adapters merged in: for each adapted module, the weight read is
/// `W + s · B·A` with `s = lora_alpha / r` (`/ √r` with rsLoRA), as `peft`'s `merge_and_unload`
/// computes it, for `nn.Linear` (`A [r, in]`, `B [out, r]`) and `nn.Conv2d` (`A [r, in, kh, kw]`,
/// `B [out, r, 1, 1]`) modules. Everything else passes through unchanged.
///
/// `adapters` maps a name in `base` to the adapter's `lora_A`/`lora_B` names in `adapterFile`.
final class LoRAMerged: TensorSource, TensorShapes, @unchecked Sendable {
    let base: any TensorSource & TensorShapes
    private let adapterFile: any TensorSource & TensorShapes
    private let adapters: [String: (a: String, b: String)]
    private let scaling: Float
    private var merged: [String: UnsafeMutableBufferPointer<Float>] = [:]

    var path: String { base.path }
    var names: [String] { base.names }
    func shape(of name: String) -> [Int]? { base.shape(of: name) }

    init(
        base: any TensorSource & TensorShapes, adapterFile: any TensorSource & TensorShapes,
        adapters: [String: (a: String, b: String)], scaling: Float
    ) {
        self.base = base
        self.adapterFile = adapterFile
        self.adapters = adapters
        self.scaling = scaling
    }

    deinit { merged.values.forEach { $0.deallocate() } }

    func floats(_ name: String, shape: [Int]) throws -> UnsafePointer<Float> {
        let weight = try base.floats(name, shape: shape)
        guard let adapter = adapters[name] else { return weight }
        if let done = merged[name] { return UnsafePointer(done.baseAddress!) }
        let out = shape[0], inner = shape.dropFirst().reduce(1, *)
        guard let aShape = adapterFile.shape(of: adapter.a), aShape.count >= 2, aShape.dropFirst().reduce(1, *) == inner else {
            throw WeightsError.wrongShape(
                path: adapterFile.path, name: adapter.a, expected: [-1] + Array(shape.dropFirst()),
                found: adapterFile.shape(of: adapter.a) ?? [])
        }
        let r = aShape[0]
        let a = try adapterFile.floats(adapter.a, shape: aShape)
        let bShape = shape.count == 4 ? [out, r, 1, 1] : [out, r]
        let b = try adapterFile.floats(adapter.b, shape: bShape)
        let result = UnsafeMutableBufferPointer<Float>.allocate(capacity: out * inner)
        for o in 0..<out {
            for k in 0..<inner {
                var delta: Float = 0
                for j in 0..<r { delta += b[o * r + j] * a[j * inner + k] }
                result[o * inner + k] = weight[o * inner + k] + scaling * delta
            }
        }
        merged[name] = result
        return UnsafePointer(result.baseAddress!)
    }

    func release(_ name: String) {
        base.release(name)
        merged.removeValue(forKey: name)?.deallocate()
    }
}
