import Foundation
import SCSTensor

/// Errors reading a safetensors file; each names the file and, where there is one, the tensor.
public enum WeightsError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case badHeader(path: String, reason: String)
    case missingTensor(path: String, name: String)
    case wrongShape(path: String, name: String, expected: [Int], found: [Int])
    case unsupportedDType(path: String, name: String, dtype: String)
    case badConfig(path: String, reason: String)
    /// The CPU cannot compute in the precision asked for (`Precision.unsupportedReason` says what
    /// to do; the command line names its flag).
    case unsupportedPrecision(Precision)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open: \(reason)"
        case let .badHeader(path, reason): return "\(path): not a valid safetensors file: \(reason)"
        case let .missingTensor(path, name): return "\(path): tensor \(name) is missing"
        case let .wrongShape(path, name, expected, found):
            return "\(path): tensor \(name) has shape \(found), expected \(expected)"
        case let .unsupportedDType(path, name, dtype): return "\(path): tensor \(name) has unsupported dtype \(dtype)"
        case let .badConfig(path, reason): return "\(path): \(reason)"
        case let .unsupportedPrecision(precision): return precision.unsupportedReason ?? "precision \(precision.rawValue) is supported"
        }
    }
}

/// A safetensors file, memory-mapped read-only. Float32 tensors are used in place; float16 and
/// bfloat16 tensors are widened to float32 copies when asked for.
///
/// Format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the end of the
/// header), then the data. Every field is checked before use: a damaged file is an error, never a crash.
public final class SafetensorsFile: TensorSource, @unchecked Sendable {
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        public let begin: Int
        public let end: Int
    }

    public let path: String
    public let entries: [String: Entry]
    private let base: UnsafeMutableRawPointer
    private let length: Int
    private let dataStart: Int
    /// Widened copies of f16/bf16 tensors, kept for the file's lifetime.
    private var converted: [String: UnsafeMutableBufferPointer<Float>] = [:]
    private let lock = NSLock()

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw WeightsError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw WeightsError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size >= 8 else { throw WeightsError.badHeader(path: path, reason: "file is \(size) bytes long") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw WeightsError.cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = mapped
        length = size
        do {
            // A damaged length can be any 64-bit value: it must fit in an Int before anything else.
            let declared = UInt64(littleEndian: mapped.loadUnaligned(as: UInt64.self))
            guard let headerLength = Int(exactly: declared), headerLength > 0, headerLength <= size - 8, headerLength < 100_000_000 else {
                throw WeightsError.badHeader(path: path, reason: "header length \(declared) does not fit in \(size) bytes")
            }
            dataStart = 8 + headerLength
            let headerData = Data(bytes: mapped + 8, count: headerLength)
            entries = try Self.parseHeader(headerData, path: path, dataLength: size - dataStart)
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    deinit {
        for buffer in converted.values { buffer.deallocate() }
        munmap(base, length)
    }

    private static func parseHeader(_ data: Data, path: String, dataLength: Int) throws -> [String: Entry] {
        guard let json = try? JSONSerialization.jsonObject(with: data), let object = json as? [String: Any] else {
            throw WeightsError.badHeader(path: path, reason: "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int], offsets.count == 2
            else { throw WeightsError.badHeader(path: path, reason: "entry \(name) is malformed") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= dataLength, shape.allSatisfy({ $0 >= 0 }) else {
                throw WeightsError.badHeader(path: path, reason: "tensor \(name) lies outside the file")
            }
            if let width = elementSize(dtype) {
                let count = shape.reduce(1, *)
                guard count * width == end - begin else {
                    throw WeightsError.badHeader(path: path, reason: "tensor \(name) has \(end - begin) bytes for shape \(shape) \(dtype)")
                }
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: begin, end: end)
        }
        return entries
    }

    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16": return 2
        case "F64", "I64": return 8
        case "U8", "I8", "BOOL": return 1
        default: return nil
        }
    }

    /// The float32 values of a tensor, checked against `shape`.
    public func floats(_ name: String, shape expected: [Int]) throws -> UnsafePointer<Float> {
        guard let entry = entries[name] else { throw WeightsError.missingTensor(path: path, name: name) }
        guard entry.shape == expected else {
            throw WeightsError.wrongShape(path: path, name: name, expected: expected, found: entry.shape)
        }
        let start = base + dataStart + entry.begin
        let count = expected.reduce(1, *)
        switch entry.dtype {
        case "F32":
            if Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
                return UnsafePointer(start.assumingMemoryBound(to: Float.self))
            }
            return widened(name) { out in
                for i in 0..<count { out[i] = start.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
            }
        case "F16":
            return widened(name) { out in
                for i in 0..<count {
                    out[i] = Float(Float16(bitPattern: start.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            }
        case "BF16":
            return widened(name) { out in
                for i in 0..<count {
                    let bits = UInt32(start.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16
                    out[i] = Float(bitPattern: bits)
                }
            }
        default:
            throw WeightsError.unsupportedDType(path: path, name: name, dtype: entry.dtype)
        }
    }

    /// Gives back the memory of tensor `name` once a copy of it is made (packed weights): its
    /// whole pages go back to the kernel (they are read again from the file if ever touched) and
    /// a widened copy is freed. So loading peaks near the packed model's size, not twice it.
    /// Pointers to `name` from `floats` must not be used afterwards.
    public func release(_ name: String) {
        guard let entry = entries[name] else { return }
        lock.lock()
        if let copy = converted.removeValue(forKey: name) { copy.deallocate() }
        lock.unlock()
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = dataStart + entry.begin, end = dataStart + entry.end
        let low = (start + page - 1) / page * page, high = end / page * page
        if high > low { madvise(base + low, high - low, MADV_DONTNEED) }
    }

    private func widened(_ name: String, fill: (UnsafeMutablePointer<Float>) -> Void) -> UnsafePointer<Float> {
        lock.lock()
        defer { lock.unlock() }
        if let existing = converted[name] { return UnsafePointer(existing.baseAddress!) }
        let count = entries[name]!.shape.reduce(1, *)
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        fill(buffer.baseAddress!)
        converted[name] = buffer
        return UnsafePointer(buffer.baseAddress!)
    }
}
