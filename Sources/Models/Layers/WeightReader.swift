import SCSTensor

/// Reads a network's tensors out of a `TensorSource` into the forms the forward pass uses:
/// vectors copied into an arena the model keeps, matrices packed for the GEMM kernels (and
/// released from the source as soon as they are packed). Every read checks the shape; a missing
/// or mis-shaped tensor is an error that names it and the file.
///
/// With a `PackedWeightCache`, matrices stored by an earlier load are mapped instead of packed
/// (their tensors are then never read from the source), and the ones packed now are recorded.
struct WeightReader {
    let source: any TensorSource
    let arena: VectorArena
    private let cache: PackedWeightCache?
    /// This reader's namespace in the cache (one per weights file).
    private let section: String

    init(_ source: any TensorSource, arena: VectorArena = VectorArena(), cache: PackedWeightCache? = nil) {
        self.source = source
        self.arena = arena
        self.cache = cache
        section = cache?.section() ?? ""
    }

    /// The tensor as floats, valid until released.
    func raw(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> { try source.floats(name, shape: shape) }

    /// A vector (bias, norm, embedding) copied into the arena.
    func vector(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
        arena.copy(try raw(name, shape), count: shape.reduce(1, *))
    }

    /// An `nn.Linear` weight `[n, k]` (or a conv weight of `shape`, flattened to `[n, k]`), packed.
    func packed(_ name: String, _ n: Int, _ k: Int, shape: [Int]? = nil, _ precision: Precision) throws -> PackedMatrix {
        try throughCache(name, n, k, precision) {
            let matrix = try PackedMatrix(weight: try raw(name, shape ?? [n, k]), outFeatures: n, inFeatures: k, precision: precision)
            source.release(name)
            return matrix
        }
    }

    /// Several `[n, k]` weights stacked into one `[parts·n, k]` product (q, k and v).
    func stacked(_ names: [String], _ n: Int, _ k: Int, _ precision: Precision) throws -> PackedMatrix {
        try throughCache(names.joined(separator: "+"), names.count * n, k, precision) {
            let matrix = try PackedMatrix(
                stacking: try names.map { try raw($0, [n, k]) }, outFeatures: n, inFeatures: k,
                precision: precision)
            names.forEach(source.release)
            return matrix
        }
    }

    /// A matrix computed from the weights rather than read (e.g. a product of two), under `name`.
    func computed(_ name: String, _ n: Int, _ k: Int, _ precision: Precision, _ pack: () throws -> PackedMatrix) throws -> PackedMatrix {
        try throughCache(name, n, k, precision, pack)
    }

    private func throughCache(
        _ name: String, _ n: Int, _ k: Int, _ precision: Precision,
        _ pack: () throws -> PackedMatrix
    ) throws -> PackedMatrix {
        guard let cache else { return try pack() }
        if let mapped = cache.cached(section + name, n: n, k: k, precision: precision) { return mapped }
        let matrix = try pack()
        cache.record(section + name, matrix)
        return matrix
    }

    /// `n` zeros in the arena (a bias a checkpoint leaves out).
    func zeros(_ n: Int) -> UnsafeMutablePointer<Float> {
        let p = arena.allocate(n)
        p.initialize(repeating: 0, count: n)
        return p
    }

    /// Several `[n]` vectors concatenated into one `[parts·n]` (q, k and v biases).
    func concatenated(_ names: [String], _ n: Int) throws -> UnsafePointer<Float> {
        let joined = arena.allocate(names.count * n)
        for (j, name) in names.enumerated() { (joined + j * n).update(from: try raw(name, [n]), count: n) }
        return UnsafePointer(joined)
    }
}

/// Owns the float vectors (biases, norms, embeddings) copied out of the weights file.
final class VectorArena: @unchecked Sendable {
    private var buffers: [UnsafeMutablePointer<Float>] = []

    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        buffers.append(p)
        return p
    }

    func copy(_ source: UnsafePointer<Float>, count: Int) -> UnsafePointer<Float> {
        let p = allocate(count)
        p.update(from: source, count: count)
        return UnsafePointer(p)
    }

    deinit { for p in buffers { p.deallocate() } }
}
