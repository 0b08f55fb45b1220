import Foundation

/// A minimal .npy reader for test fixtures: little-endian float32 or uint8, C order.
public struct NpyArray {
    public let shape: [Int]
    public let descr: String
    public let data: Data

    public init(contentsOf url: URL) throws {
        let bytes = try Data(contentsOf: url)
        guard bytes.count > 10, bytes.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw NSError(domain: "Npy", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(url.path): not a .npy file"])
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
        func field(_ name: String) -> String {
            guard let r = header.range(of: "'\(name)':") else { return "" }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        let d = field("descr")
        descr = String(d.dropFirst().prefix { $0 != "'" })
        let s = field("shape")
        let inside = s.dropFirst().prefix { $0 != ")" }
        shape = inside.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        data = bytes.subdata(in: headerStart + headerLength..<bytes.count)
    }

    public var floats: [Float] {
        precondition(descr == "<f4", "expected float32, got \(descr)")
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    public var bytes: [UInt8] { [UInt8](data) }
}
