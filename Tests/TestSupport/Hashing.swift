import Crypto
import Foundation

/// Lower-case hex SHA-256 of some bytes, as Python's hashlib.sha256(...).hexdigest().
public func sha256Hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
}

/// A JSON file of the fixtures, decoded.
public func loadJSON(_ url: URL) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(contentsOf: url))
}
