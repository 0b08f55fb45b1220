import Foundation
import SCSTensor

/// Weights packed for the engine, kept on disk between runs: the first load of a model packs its
/// matrices as usual and writes them to one `.scspack` file; later loads map that file and use
/// the panels in place, so loading costs reading the vectors and mapping the file.
///
/// One cache serves one model load. Its file is named by everything the panels depend on: the
/// weights (their fingerprint, which the caller computes), the precision, the kernel path, the
/// panel layout and the engine version. A missing, damaged or stale file is packed afresh and
/// replaced; a file that cannot be written leaves the load as it was (`saveError` says why).
public final class PackedWeightCache: @unchecked Sendable {
    public enum Outcome: String, Sendable {
        /// The load mapped every matrix from the file.
        case mapped
        /// The load packed (some) matrices and wrote the file.
        case written
        /// The load packed (some) matrices; the file could not be written (see `saveError`).
        case unwritten
        /// Not loaded yet.
        case unused
    }

    /// The `.scspack` file.
    public let path: String
    private let key: String
    /// The name's start shared by the files of older layouts and engines for this model, precision and path.
    private let stalePrefix: String
    private let mapping: PackedWeightFile.Mapping?
    /// Every matrix of the load, mapped or packed, in the order read.
    private var matrices: [(name: String, matrix: PackedMatrix)] = []
    private var packedCount = 0
    private var sections = 0
    private let lock = NSLock()
    public private(set) var outcome = Outcome.unused
    /// Why the file was not read (damaged, another key) or not written; nil when all went well.
    public private(set) var readError: PackedWeightFileError?
    public private(set) var saveError: PackedWeightFileError?

    /// The cache for the model with `fingerprint` in `folder`, for `precision` on the current
    /// kernel path, with `engineVersion` (the forward pass's version, which the caller owns).
    public init(folder: URL, fingerprint: String, precision: Precision, engineVersion: Int) {
        let path = precision == .bf16 ? KernelPath.avx512 : KernelPath.current  // bf16 has one layout
        key = "\(fingerprint)|\(precision.rawValue)|\(path.rawValue)|layout\(PackedMatrix.layoutVersion)|engine\(engineVersion)"
        stalePrefix = "\(fingerprint.prefix(32))-\(precision.rawValue)-\(path.rawValue)-"
        self.path = folder.appendingPathComponent(stalePrefix + "l\(PackedMatrix.layoutVersion)-e\(engineVersion).scspack").path
        do {
            mapping = try PackedWeightFile.Mapping(path: self.path, key: key)
        } catch {
            mapping = nil
            readError = error as? PackedWeightFileError ?? PackedWeightFileError(path: self.path, reason: "\(error)")
        }
    }

    /// A namespace for one weights file's tensor names (a model may read several files whose
    /// names overlap, e.g. DreamSim's backbones): sections are numbered in the order of loading.
    func section() -> String {
        lock.lock()
        defer { lock.unlock() }
        sections += 1
        return "\(sections - 1)/"
    }

    /// The stored matrix `name` of this shape, or nil.
    func cached(_ name: String, n: Int, k: Int, precision: Precision) -> PackedMatrix? {
        guard let matrix = mapping?.matrix(name, n: n, k: k, precision: precision) else { return nil }
        lock.lock()
        matrices.append((name, matrix))
        lock.unlock()
        return matrix
    }

    /// A matrix packed now, to be stored.
    func record(_ name: String, _ matrix: PackedMatrix) {
        lock.lock()
        matrices.append((name, matrix))
        packedCount += 1
        lock.unlock()
    }

    /// After the model is built: writes the file when anything had to be packed. Every matrix the
    /// model uses goes into the new file, mapped ones included (they are read from the old file's
    /// mapping, which stays valid after the rename replaces it).
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        defer { matrices = [] }
        guard packedCount > 0 else {
            outcome = matrices.isEmpty ? .unused : .mapped
            return
        }
        do {
            try PackedWeightFile.write(matrices, key: key, to: path)
            outcome = .written
            removeStaleFiles()
        } catch {
            saveError = error as? PackedWeightFileError ?? PackedWeightFileError(path: path, reason: "\(error)")
            outcome = .unwritten
        }
    }

    /// Files of this model from older layouts or engines are never read again: they go once the
    /// new one is written (best effort; another process may be removing them too).
    private func removeStaleFiles() {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let current = URL(fileURLWithPath: path).lastPathComponent
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix(stalePrefix) && name.hasSuffix(".scspack") && name != current {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
