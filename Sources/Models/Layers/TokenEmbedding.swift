import Foundation

/// A text tower's input: each token's embedding plus its position's (both learned tables).
struct TokenEmbedding {
    let tokens: UnsafePointer<Float>  // [V, D]
    let positions: UnsafePointer<Float>  // [T, D]
    let vocabulary: Int
    let width: Int

    /// `prefix + "token_embedding.weight"` and `prefix + "position_embedding.weight"`.
    init(_ read: WeightReader, _ prefix: String, vocabulary: Int, positions: Int, width: Int) throws {
        tokens = try read.vector(prefix + "token_embedding.weight", [vocabulary, width])
        self.positions = try read.vector(prefix + "position_embedding.weight", [positions, width])
        self.vocabulary = vocabulary
        self.width = width
    }

    /// x[t] = token[ids[t]] + position[t] into `x` (`[T, D]`); an id outside the table adds
    /// nothing (the towers refuse tokenizers with more ids at load).
    func apply(_ ids: [Int], into x: UnsafeMutablePointer<Float>) {
        let d = width
        for (t, id) in ids.enumerated() {
            let row = x + t * d, pos = positions + t * d
            guard id >= 0, id < vocabulary else { row.update(from: pos, count: d); continue }
            let token = tokens + id * d
            for i in 0..<d { row[i] = token[i] + pos[i] }
        }
    }
}

/// Embeds each text on its own (the same bits in any company) with one workspace from `pool`:
/// `[texts.count, width]`, `one` writing each text's embedding.
func embedEach(
    _ texts: [String], width: Int, pool: WorkspacePool,
    _ one: (String, UnsafeMutablePointer<Float>, Workspace) -> Void
) -> [Float] {
    var out = [Float](repeating: 0, count: texts.count * width)
    let w = pool.borrow(capacity: 1)
    defer { pool.recycle(w) }
    out.withUnsafeMutableBufferPointer { o in
        for (n, text) in texts.enumerated() { one(text, o.baseAddress! + n * width, w) }
    }
    return out
}
