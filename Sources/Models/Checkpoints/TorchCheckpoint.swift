import Foundation
import ZIPFoundation

/// A PyTorch checkpoint read without PyTorch and without running its pickles' code: `torch.save`
/// files in the zip format (torch ≥ 1.6) and the legacy one, and TorchScript archives
/// (`torch.jit.save`, such as OpenAI's `ViT-B-32.pt`). Tensors are named as `state_dict()` names
/// them: a saved dict's keys joined with ".", a TorchScript module's attribute paths.
public final class TorchCheckpoint: TensorSource, @unchecked Sendable {
    public enum Format: String, Sendable { case zip, legacy, torchScript = "torchscript" }

    public let path: String
    public let format: Format
    /// Every tensor of the checkpoint by name.
    public let tensors: [String: TorchTensorRef]
    /// Storage bytes by key, read on first use.
    private let readStorage: (TorchStorageRef) throws -> Data
    private var storages: [String: Data] = [:]
    private var converted: [String: UnsafeMutableBufferPointer<Float>] = [:]
    private let lock = NSLock()

    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WeightsError.cannotOpen(path: path, reason: "no such file or not readable")
        }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        try? handle.close()
        if magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            (format, tensors, readStorage) = try Self.openZip(path: path)
        } else if magic.first == 0x80 {
            (format, tensors, readStorage) = try Self.openLegacy(path: path)
        } else {
            throw WeightsError.badHeader(path: path, reason: "not a PyTorch checkpoint (neither a zip archive nor a pickle)")
        }
    }

    deinit { converted.values.forEach { $0.deallocate() } }

    // MARK: TensorSource

    /// The float32 values of `name` (widened from f16/bf16/f64, gathered if strided), checked
    /// against `shape`.
    public func floats(_ name: String, shape expected: [Int]) throws -> UnsafePointer<Float> {
        guard let t = tensors[name] else { throw WeightsError.missingTensor(path: path, name: name) }
        guard t.shape == expected else { throw WeightsError.wrongShape(path: path, name: name, expected: expected, found: t.shape) }
        lock.lock()
        defer { lock.unlock() }
        if let done = converted[name] { return UnsafePointer(done.baseAddress!) }
        let data: Data
        if let known = storages[t.storage.key] {
            data = known
        } else {
            data = try readStorage(t.storage)
            storages[t.storage.key] = data
        }
        guard data.count >= t.storage.count * t.storage.dtype.size else {
            throw WeightsError.badHeader(
                path: path, reason: "storage \(t.storage.key) holds \(data.count) bytes, fewer than its \(t.storage.count) elements")
        }
        let count = expected.reduce(1, *)
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        let dtype = t.storage.dtype
        data.withUnsafeBytes { raw in
            var index = [Int](repeating: 0, count: t.shape.count)
            for i in 0..<count {
                var element = t.offset
                for d in 0..<t.shape.count { element += index[d] * t.strides[d] }
                out[i] = Self.load(raw, element: element, dtype: dtype)
                var d = t.shape.count - 1
                while d >= 0 {
                    index[d] += 1
                    if index[d] < t.shape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
        converted[name] = out
        return UnsafePointer(out.baseAddress!)
    }

    /// Frees the float copy of `name`, and the storage bytes once no other copy is pending.
    public func release(_ name: String) {
        lock.lock()
        defer { lock.unlock() }
        converted.removeValue(forKey: name)?.deallocate()
        if let key = tensors[name]?.storage.key { storages.removeValue(forKey: key) }
    }

    static func load(_ raw: UnsafeRawBufferPointer, element: Int, dtype: TorchDType) -> Float {
        switch dtype {
        case .float32: return raw.loadUnaligned(fromByteOffset: element * 4, as: Float.self)
        case .float16: return Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: element * 2, as: UInt16.self)))
        case .bfloat16: return Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: element * 2, as: UInt16.self)) << 16)
        case .float64: return Float(raw.loadUnaligned(fromByteOffset: element * 8, as: Double.self))
        case .int64: return Float(raw.loadUnaligned(fromByteOffset: element * 8, as: Int64.self))
        case .int32: return Float(raw.loadUnaligned(fromByteOffset: element * 4, as: Int32.self))
        case .int16: return Float(raw.loadUnaligned(fromByteOffset: element * 2, as: Int16.self))
        case .int8: return Float(raw.loadUnaligned(fromByteOffset: element, as: Int8.self))
        case .uint8, .bool: return Float(raw.loadUnaligned(fromByteOffset: element, as: UInt8.self))
        }
    }

    // MARK: Reading the formats

    typealias Opened = (Format, [String: TorchTensorRef], (TorchStorageRef) throws -> Data)

    /// The persistent id torch writes for a storage: ('storage', StorageType, key, location,
    /// numel[, view_metadata]).
    static func storage(_ id: [PickleValue], path: String) throws -> PickleValue {
        guard id.count >= 5, id[0].asString == "storage", case .global(let type) = id[1], type.hasPrefix("storage "),
            let dtype = TorchDType(rawValue: String(type.dropFirst(8))), let key = id[2].asString ?? id[2].asInt.map(String.init),
            let count = id[4].asInt, count >= 0
        else {
            throw WeightsError.badHeader(path: path, reason: "a storage reference of an unknown form")
        }
        return .storage(TorchStorageRef(key: key, dtype: dtype, count: count))
    }

    private static func openZip(path: String) throws -> Opened {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw WeightsError.badHeader(path: path, reason: "not a readable zip archive: \(error)")
        }
        // Every entry sits under one folder (the archive's name); data.pkl is the state.
        guard let pickle = archive.first(where: { $0.path.hasSuffix("/data.pkl") && $0.path.split(separator: "/").count == 2 }) else {
            throw WeightsError.badHeader(path: path, reason: "a zip archive without data.pkl: not a PyTorch checkpoint")
        }
        let root = String(pickle.path.dropLast("data.pkl".count))
        func read(_ entry: Entry, limit: UInt64) throws -> Data {
            guard entry.uncompressedSize <= limit else {
                throw WeightsError.badHeader(path: path, reason: "\(entry.path) declares \(entry.uncompressedSize) bytes")
            }
            var data = Data(capacity: Int(entry.uncompressedSize))
            do { _ = try archive.extract(entry, skipCRC32: true) { data.append($0) } } catch {
                throw WeightsError.badHeader(path: path, reason: "cannot read \(entry.path): \(error)")
            }
            return data
        }
        if let order = archive[root + "byteorder"], String(decoding: try read(order, limit: 16), as: UTF8.self) != "little" {
            throw WeightsError.badHeader(path: path, reason: "a big-endian checkpoint")
        }
        let isScript = archive[root + "constants.pkl"] != nil || archive.contains { $0.path.hasPrefix(root + "code/") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? nil
        let bytes = [UInt8](try read(pickle, limit: size ?? .max))
        let unpickler = RestrictedUnpickler(bytes: bytes, path: path) { try storage($0, path: path) }
        let value = try unpickler.load().value
        let tensors = try flatten(value, path: path)
        let reader: (TorchStorageRef) throws -> Data = { ref in
            guard let entry = archive[root + "data/" + ref.key] else {
                throw WeightsError.badHeader(path: path, reason: "storage \(ref.key) is missing from the archive")
            }
            return try read(entry, limit: UInt64(ref.count * ref.dtype.size) + 64)
        }
        return (isScript ? .torchScript : .zip, tensors, reader)
    }

    /// The legacy format: pickles in a row (magic number, protocol, system info, the object,
    /// the storage keys), then each storage as an 8-byte element count and its bytes.
    private static func openLegacy(path: String) throws -> Opened {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw WeightsError.cannotOpen(path: path, reason: error.localizedDescription)
        }
        let bytes = [UInt8](data)
        var at = 0
        var elementSize: [String: Int] = [:]
        func next() throws -> PickleValue {
            let (value, end) = try RestrictedUnpickler(bytes: bytes, path: path) { id in
                let made = try storage(id, path: path)
                if case .storage(let ref) = made { elementSize[ref.key] = ref.dtype.size }
                return made
            }.load(from: at)
            at = end
            return value
        }
        // torch.serialization's MAGIC_NUMBER, 0x1950a86a20f9469cfc6c, as LONG1 writes it.
        let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
        guard case .bigInt(let found) = try next(), found == magic else {
            throw WeightsError.badHeader(path: path, reason: "a pickle, but not a PyTorch checkpoint (no magic number)")
        }
        _ = try next()  // protocol version
        _ = try next()  // sys_info
        let value = try next()
        guard let keys = try next().asTuple?.compactMap(\.asString) else {
            throw WeightsError.badHeader(path: path, reason: "the storage list is missing")
        }
        var offsets: [String: Int] = [:]
        for key in keys {
            guard at + 8 <= bytes.count else { throw WeightsError.badHeader(path: path, reason: "storage \(key) is cut short") }
            let count = (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
            offsets[key] = at + 8
            at += 8
            let size = elementSize[key] ?? 1
            guard count >= 0, count <= (bytes.count - at) / size else {
                throw WeightsError.badHeader(path: path, reason: "storage \(key) declares \(count) elements past the end of the file")
            }
            at += count * size
        }
        let tensors = try flatten(value, path: path)
        let reader: (TorchStorageRef) throws -> Data = { ref in
            guard let start = offsets[ref.key] else { throw WeightsError.badHeader(path: path, reason: "storage \(ref.key) is missing") }
            let length = ref.count * ref.dtype.size
            guard start + length <= data.count else { throw WeightsError.badHeader(path: path, reason: "storage \(ref.key) is cut short") }
            return data.subdata(in: start..<(start + length))
        }
        return (.legacy, tensors, reader)
    }

    /// Names every tensor reachable through dicts and TorchScript objects; checks each view stays
    /// inside its storage.
    static func flatten(_ value: PickleValue, path: String) throws -> [String: TorchTensorRef] {
        var out: [String: TorchTensorRef] = [:]
        var seen = Set<ObjectIdentifier>()
        func walk(_ v: PickleValue, _ prefix: String, depth: Int) throws {
            guard depth < 64 else { throw WeightsError.badHeader(path: path, reason: "containers nested more than 64 deep") }
            switch v {
            case .tensor(let t):
                let name = String(prefix.dropLast())
                guard t.shape.allSatisfy({ $0 >= 0 }), t.strides.allSatisfy({ $0 >= 0 }), t.offset >= 0 else {
                    throw WeightsError.badHeader(path: path, reason: "tensor \(name) has a negative size, stride or offset")
                }
                var last = t.offset
                for (n, s) in zip(t.shape, t.strides) where n > 0 {
                    let (step, o1) = (n - 1).multipliedReportingOverflow(by: s)
                    let (sum, o2) = last.addingReportingOverflow(step)
                    guard !o1, !o2 else { throw WeightsError.badHeader(path: path, reason: "tensor \(name) is too large") }
                    last = sum
                }
                if t.shape.allSatisfy({ $0 > 0 }) && last >= t.storage.count {
                    throw WeightsError.badHeader(path: path, reason: "tensor \(name) reaches past its storage")
                }
                out[name] = t
            case .dict(let d):
                guard seen.insert(ObjectIdentifier(d)).inserted else { return }
                for (key, item) in d.stringEntries { try walk(item, prefix + key + ".", depth: depth + 1) }
            case .object(_, let attributes):
                guard seen.insert(ObjectIdentifier(attributes)).inserted else { return }
                for (key, item) in attributes.stringEntries { try walk(item, prefix + key + ".", depth: depth + 1) }
            default:
                return
            }
        }
        try walk(value, "", depth: 0)
        return out
    }
}
