import Foundation

/// Writes a float32 safetensors file, for tests that need a damaged or altered model.
public func writeSafetensors(_ tensors: [(name: String, shape: [Int], values: [Float])], to url: URL) throws {
    var header: [String: Any] = [:]
    var offset = 0
    var payload = Data()
    for t in tensors {
        let bytes = t.values.withUnsafeBytes { Data($0) }
        header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes.count]]
        payload.append(bytes)
        offset += bytes.count
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var length = UInt64(json.count).littleEndian
    var file = Data(bytes: &length, count: 8)
    file.append(json)
    file.append(payload)
    try file.write(to: url)
}

/// A fresh temporary directory, removed when the test ends.
public func makeTemporaryDirectory(_ name: String = "scs-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
