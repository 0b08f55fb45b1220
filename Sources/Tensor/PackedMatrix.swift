import CKernels

/// A weight matrix laid out once, at model load, in the panels the GEMM kernels read
/// (`scs_pack_nk`): the right-hand side of `x · Wᵀ` for an `nn.Linear` weight `W[N, K]`.
public final class PackedMatrix: @unchecked Sendable {
    /// Behind a pointer: read from many threads at once, never through a Swift `inout` access.
    let packed: UnsafeMutablePointer<scs_packed>
    public var outFeatures: Int { Int(packed.pointee.n) }
    public var inFeatures: Int { Int(packed.pointee.k) }
    public let precision: Precision
    /// What keeps borrowed panel memory alive (a mapped cache file); nil when the panels are ours.
    private let owner: AnyObject?

    /// Bumped whenever the panel layout `scs_pack_nk` writes changes, so that panels stored on
    /// disk by an older scs are never read as this one's.
    public static let layoutVersion = 1

    /// Packs `weight` (`[N, K]` row-major). Fails only when memory runs out or the CPU lacks
    /// the precision.
    public init(weight: UnsafePointer<Float>, outFeatures n: Int, inFeatures k: Int, precision: Precision = .fp32) throws {
        self.precision = precision
        owner = nil
        var p = scs_packed()
        guard scs_pack_nk(weight, Int32(n), Int32(k), k, precision.format, &p) == 0 else {
            throw TensorError.cannotPack(rows: n, columns: k, precision: precision)
        }
        packed = UnsafeMutablePointer<scs_packed>.allocate(capacity: 1)
        packed.initialize(to: p)
    }

    /// Packs several `[N_i, K]` matrices as one `[ΣN_i, K]`: e.g. the query, key and value
    /// projections as one product (columns stay independent, so results are unchanged).
    public convenience init(
        stacking parts: [UnsafePointer<Float>], outFeatures n: Int, inFeatures k: Int,
        precision: Precision = .fp32
    ) throws {
        let joined = UnsafeMutablePointer<Float>.allocate(capacity: parts.count * n * k)
        defer { joined.deallocate() }
        for (i, part) in parts.enumerated() { (joined + i * n * k).update(from: part, count: n * k) }
        try self.init(weight: joined, outFeatures: parts.count * n, inFeatures: k, precision: precision)
    }

    /// Panels packed earlier (on this CPU path, in this layout version) and kept in memory that
    /// `owner` keeps alive, e.g. a memory-mapped cache file: nothing is copied. Nil when `panels`
    /// is not 64-byte aligned or does not hold exactly the bytes this shape packs into.
    public init?(
        borrowing panels: UnsafeRawPointer, byteCount: Int, outFeatures n: Int, inFeatures k: Int,
        precision: Precision, owner: AnyObject
    ) {
        guard Int(bitPattern: panels) % 64 == 0, byteCount == Self.byteCount(outFeatures: n, inFeatures: k, precision: precision)
        else { return nil }
        var p = scs_packed()
        scs_packed_borrow(Int32(n), Int32(k), precision.format, panels, &p)
        self.precision = precision
        self.owner = owner
        packed = UnsafeMutablePointer<scs_packed>.allocate(capacity: 1)
        packed.initialize(to: p)
    }

    /// The bytes the panels of an `[N, K]` weight take on the current kernel path.
    public static func byteCount(outFeatures n: Int, inFeatures k: Int, precision: Precision) -> Int {
        scs_packed_bytes(Int32(n), Int32(k), precision.format)
    }

    /// The panels as bytes (to store them); valid while this matrix lives.
    public var panels: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(
            start: packed.pointee.data,
            count: Self.byteCount(outFeatures: outFeatures, inFeatures: inFeatures, precision: precision))
    }

    /// The kernel path the panels were laid out for.
    public var kernelPath: KernelPath { KernelPath(packed.pointee.path) }

    deinit {
        if owner == nil { scs_packed_free(packed) }
        packed.deallocate()
    }
}

/// Errors of the tensor layer.
public enum TensorError: Error, CustomStringConvertible {
    case cannotPack(rows: Int, columns: Int, precision: Precision)

    public var description: String {
        switch self {
        case let .cannotPack(rows, columns, precision):
            return "cannot pack a \(rows)x\(columns) weight in \(precision.rawValue): "
                + (precision.unsupportedReason ?? "out of memory")
        }
    }
}
