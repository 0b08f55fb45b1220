import Foundation
import SCSTensor

/// Per-thread scratch memory for a ViT forward pass, sized once for `capacity` images of one
/// network. Every architecture uses the same buffers (see `Layout`); a workspace belongs to the
/// model that made it.
public final class Workspace: @unchecked Sendable {
    /// The sizes a network needs.
    struct Layout {
        var tokens: Int  // T: the sequence, class and register tokens included
        var width: Int  // D
        var heads: Int
        var mlpWidth: Int  // the widest feed-forward product (I, or 2H for SwiGLU)
        var patches: Int  // N
        var patchLength: Int  // 3·P·P
        var headDim: Int { width / heads }
    }

    public let capacity: Int
    let layout: Layout
    let patches: UnsafeMutablePointer<Float>  // [B·N, 3·P·P] im2col of the images
    let x: UnsafeMutablePointer<Float>  // [B·T, D] the residual stream
    let h: UnsafeMutablePointer<Float>  // [B·T, D] normalised input / block output
    let qkv: UnsafeMutablePointer<Float>  // [B·T, 3D]
    let scores: UnsafeMutablePointer<Float>  // [T, T] one head at a time
    let context: UnsafeMutablePointer<Float>  // [B·T, D]
    let mlp: UnsafeMutablePointer<Float>  // [B·T, mlpWidth]
    let gemm: GEMMScratch  // the GEMM's packed left operand
    let pack: UnsafeMutableRawPointer  // one head's K or V, packed
    private let all: [UnsafeMutablePointer<Float>]

    init(_ l: Layout, capacity: Int) {
        self.capacity = capacity
        layout = l
        let rows = capacity * l.tokens
        func alloc(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        patches = alloc(capacity * l.patches * l.patchLength)
        x = alloc(rows * l.width)
        h = alloc(rows * l.width)
        qkv = alloc(rows * 3 * l.width)
        scores = alloc(l.tokens * l.tokens)
        context = alloc(rows * l.width)
        mlp = alloc(rows * l.mlpWidth)
        all = [patches, x, h, qkv, scores, context, mlp]
        gemm = GEMMScratch(rows: rows)
        let packBytes = max(packedBytes(n: l.tokens, k: l.headDim), packedBytes(n: l.headDim, k: l.tokens))
        pack = UnsafeMutableRawPointer.allocate(byteCount: packBytes, alignment: 64)
    }

    deinit {
        for p in all { p.deallocate() }
        pack.deallocate()
    }
}

/// A model's idle workspaces: runs that follow one another reuse the same memory instead of
/// faulting in fresh pages (hundreds of MB for L/14).
final class WorkspacePool: @unchecked Sendable {
    private let layout: Workspace.Layout
    private var idle: [Workspace] = []
    private let lock = NSLock()

    init(_ layout: Workspace.Layout) { self.layout = layout }

    func make(capacity: Int) -> Workspace { Workspace(layout, capacity: capacity) }

    func borrow(capacity: Int) -> Workspace {
        lock.lock()
        defer { lock.unlock() }
        if let i = idle.firstIndex(where: { $0.capacity >= capacity }) { return idle.remove(at: i) }
        return make(capacity: capacity)
    }

    /// Keeps at most one workspace per core.
    func recycle(_ workspace: Workspace) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < ProcessInfo.processInfo.activeProcessorCount { idle.append(workspace) }
    }
}
